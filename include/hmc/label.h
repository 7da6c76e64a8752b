/*
 * label.h — labels for units, shelves and scanners, through libzint.
 *
 * libzint encodes; hmc lays the label out itself from the module matrix
 * zint reports, so that one layout is drawn three ways: PNG (1-bit, for
 * thermal printers, text by FreeType in DejaVu Sans), SVG and EPS (vector:
 * a rectangle per run of bars, text as text), and ZPL for Zebra label
 * printers (the printer draws the codes: ^BC Code 128, ^BX DataMatrix,
 * ^A0 text in UTF-8 by ^CI28; label.c shows what is written).
 *
 *   unit      the unit number as Code 128 with the number under it and the
 *             article's name; with a UDI (GTIN and serial, and expiry and
 *             lot when known) a GS1 DataMatrix beside it
 *   relabel   an F/M unit's new number as Code 128, both numbers printed
 *   location  a shelf's code as Code 128, large, with its name
 *   text      any text, as Code 128 or DataMatrix
 *   sheet     a page of sample codes to check that a scanner's keyboard
 *             layout and suffix are right, each with what it should read as
 *
 * Quiet zones are kept (10 modules beside Code 128, 2 around DataMatrix);
 * a module is at least 2 dots.  When the content does not fit the label,
 * or cannot be encoded (a GTIN with a wrong check digit, characters Code
 * 128 cannot carry), nothing is written and err says what and why.  Files
 * are written whole or not at all (a temporary file, then renamed).
 */
#ifndef HMC_LABEL_H
#define HMC_LABEL_H

#include <stddef.h>

struct store;

enum label_format { LABEL_PNG, LABEL_SVG, LABEL_EPS, LABEL_ZPL };

/* The Code 128 module ZPL labels get unless label.module_mm says
 * otherwise: 2 dots at 203 dpi, 3 at 300. */
#define LABEL_MODULE_MM 0.25

struct label_options {
	double width_mm, height_mm;	/* 50 x 25 by default */
	int dpi;			/* 203 (8 dots/mm) or 300 */
	enum label_format format;	/* label.format: the default file type */
	/* Code 128's module in mm (0.1 to 2), rounded to whole dots; 0: for
	 * ZPL LABEL_MODULE_MM, else as wide as the label allows. */
	double module_mm;
	char printer[128];		/* label.printer: a CUPS queue, "" for lp's default */
	/* For unit labels: what the store does not keep (may be NULL). */
	const char *expiry;		/* YYMMDD */
	const char *lot;
};

/* Defaults, then the store's settings label.width_mm, label.height_mm,
 * label.dpi, label.module_mm, label.format (png|svg|eps|zpl) and
 * label.printer (store may be NULL). */
void label_defaults(struct store *store, struct label_options *options);

/* The format a file name asks for (.png, .svg, .eps, .zpl; or the bare
 * word), or -1. */
int label_format_of(const char *path);
/* "png", "svg", "eps" or "zpl". */
const char *label_extension(enum label_format format);
/* The exact Code 128 module in dots the options ask for: module_mm (or
 * LABEL_MODULE_MM for ZPL) at dpi rounded to the nearest dot, at least 2;
 * 0 when the module is as wide as fits. */
int label_module_dots(const struct label_options *options);

int label_unit(struct store *store, const char *unit_text, const struct label_options *options,
	       const char *path, char *err, size_t size);
int label_relabel(struct store *store, const char *unit_text, const struct label_options *options,
		  const char *path, char *err, size_t size);
int label_location(struct store *store, const char *code, const struct label_options *options,
		   const char *path, char *err, size_t size);
/* Any text as Code 128 (with the text under it) or as DataMatrix. */
int label_text(const char *text, int datamatrix, const struct label_options *options,
	       const char *path, char *err, size_t size);
/* An A4 page (options' dpi; the size is the page's). */
int label_sheet(const struct label_options *options, const char *path, char *err, size_t size);

/* Hands a label file to the printing system: lp from PATH, -d
 * options->printer when set, and for ZPL -o raw (the printer's own
 * language, no filter).  HMC_E_UNSUPPORTED with a clear message when
 * there is no printing system. */
int label_print(const char *path, const struct label_options *options, char *err, size_t size);

/* A symbol drawn with block characters for a terminal: UTF-8 lines of
 * "█", "▀", "▄" and spaces, two module rows per line, one column per
 * module, a quiet zone of 2 modules round it.  datamatrix 1: DataMatrix,
 * 0: Code 128.  *cols and *lines get the size.  0, or HMC_E_INVALID. */
int label_terminal(const char *text, int datamatrix, char *out, size_t size, int *cols,
		   int *lines);

/* Whether the GTIN's check digit is right (8, 12, 13 or 14 digits). */
int label_gtin_valid(const char *gtin);

#endif
