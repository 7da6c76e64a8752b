/*
 * label.c — labels (see label.h).
 *
 * A label is first a display list in dots: boxes (runs of dark modules)
 * and text lines.  Then it is drawn: into a 1-bit canvas written as PNG,
 * or as SVG or EPS.  zint gives the module matrices; FreeType draws text
 * for PNG.  For ZPL the list also keeps each symbol (its data, place and
 * module) and the text boxes: the printer draws those itself.
 *
 * ZPL, as written here (one label):
 *
 *   ^XA ^CI28 ^PW<width> ^LL<height> ^LH0,0     start, UTF-8, size in dots
 *   ^FO<x>,<y>^BY<m>^BCN,<h>,N,N,N,A^FD..^FS     Code 128, module m dots,
 *                                              automatic subsets, no text
 *   ^FO<x>,<y>^BXN,<m>,200,,,,_^FD.._1..^FS      DataMatrix ECC 200; "_1"
 *                                              is FNC1 (GS1), "_dNNN" a byte
 *   ^FO<x>,<y>^A0N,<h>,<h>^FB<w>,1,0,C^FH^FD..^FS a text line, ^ ~ _ as _XX
 *   ^XZ
 *
 * The module: 0.25 mm (label.module_mm) rounded to the nearest whole dot,
 * never under 2 dots: 0.25 * 203 / 25.4 = 1.998 gives 2 dots (0.250 mm),
 * 0.25 * 300 / 25.4 = 2.953 gives 3 (0.254 mm).  A code too long for the
 * label at that module gets the widest whole-dot module that fits, at
 * least 2 dots, or the label is refused as too small.
 */
#include "hmc/label.h"
#include "hmc/settings.h"
#include "hmc/catalog.h"
#include "hmc/error.h"
#include "hmc/i18n.h"
#include "hmc/store.h"
#include "hmc/unit.h"
#include "hmc/xmem.h"

#include <sqlite3.h>
#include <strings.h>
#include <wchar.h>
#include <limits.h>

#include <assert.h>
#include <errno.h>
#include <ft2build.h>
#include FT_FREETYPE_H
#include <math.h>
#include <png.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zint.h>

#define QUIET_1D 10	/* modules of quiet zone beside Code 128 */
#define QUIET_2D 2	/* and round DataMatrix */
#define MIN_DOTS 2	/* the narrowest module printed */

static const char *const font_paths[] = {
	"/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
	"/usr/share/fonts/dejavu/DejaVuSans.ttf",
	"/usr/share/fonts/TTF/DejaVuSans.ttf",
};

/* --- the display list -------------------------------------------------------- */

struct box {
	int x, y, w, h;
};

struct text {
	int x, y;		/* baseline start, dots */
	int size;		/* pixel size */
	int bold;
	int box_x, box_w, top;	/* the space it was fitted to (ZPL's ^FB) */
	int centre;
	char s[160];
};

/* A symbol as placed, for printers that draw it themselves (ZPL). */
struct symbol {
	int datamatrix, gs1;
	int x, y;		/* top left of the symbol, quiet zone outside */
	int module;		/* dots */
	int height;		/* bars, dots (Code 128) */
	int cut;		/* data was longer than it holds */
	char data[256];		/* as given to zint; GS1 in (AI) form */
};

struct layout {
	int width, height;	/* dots */
	int dpi;
	int module;		/* exact Code 128 module in dots, 0: as wide as fits */
	struct box *boxes;
	int n_boxes, cap_boxes;
	struct text texts[48];
	int n_texts;
	struct symbol symbols[8];
	int n_symbols;
};

static void
add_box(struct layout *l, int x, int y, int w, int h)
{
	if (l->n_boxes == l->cap_boxes) {
		l->cap_boxes = l->cap_boxes ? l->cap_boxes * 2 : 256;
		l->boxes = xrealloc(l->boxes, (size_t)l->cap_boxes * sizeof *l->boxes);
	}
	l->boxes[l->n_boxes++] = (struct box){ x, y, w, h };
}

static int
dots(const struct layout *l, double mm)
{
	return (int)lround(mm * l->dpi / 25.4);
}

static int
fail(char *err, size_t size, int code, const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static int
fail(char *err, size_t size, int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, size, fmt, ap);
	va_end(ap);
	return code;
}

/* --- text ------------------------------------------------------------------------ */

static FT_Library ft;
static FT_Face face;

static int
font_open(char *err, size_t size)
{
	if (face != NULL)
		return 0;
	if (ft == NULL && FT_Init_FreeType(&ft) != 0)
		return fail(err, size, HMC_E_UNSUPPORTED, "%s", _("cannot start FreeType"));
	for (size_t i = 0; i < sizeof font_paths / sizeof font_paths[0]; i++)
		if (FT_New_Face(ft, font_paths[i], 0, &face) == 0)
			return 0;
	return fail(err, size, HMC_E_UNSUPPORTED,
		    _("no DejaVu Sans font for the text on labels (install fonts-dejavu-core)"));
}

/* Width in dots of text at a pixel size. */
static int
text_width(const char *s, int px)
{
	FT_Set_Pixel_Sizes(face, 0, (FT_UInt)px);
	int w = 0;
	mbstate_t st;
	memset(&st, 0, sizeof st);
	while (*s) {
		wchar_t wc;
		size_t n = mbrtowc(&wc, s, MB_LEN_MAX, &st);
		if (n == 0 || n == (size_t)-1 || n == (size_t)-2) {
			wc = (unsigned char)*s;
			n = 1;
		}
		if (FT_Load_Char(face, (FT_ULong)wc, FT_LOAD_DEFAULT) == 0)
			w += (int)(face->glyph->advance.x >> 6);
		s += n;
	}
	return w;
}

/* Adds text, shrunk to fit max_w (and cut with "…" if even the smallest
 * size does not fit).  Returns its height. */
static int
add_text(struct layout *l, int x, int y_top, int px, int max_w, int centre, const char *s)
{
	struct text *t = &l->texts[l->n_texts < 48 ? l->n_texts++ : 47];
	xstrlcpy(t->s, s, sizeof t->s);
	t->box_x = x;
	t->box_w = max_w;
	t->top = y_top;
	t->centre = centre;
	while (px > 10 && text_width(t->s, px) > max_w)
		px--;
	while (text_width(t->s, px) > max_w && strlen(t->s) > 1) {
		/* Cut a character (whole UTF-8 sequence) and end with "…". */
		size_t n = strlen(t->s);
		char *end = strstr(t->s, "…");
		if (end != NULL)
			n = (size_t)(end - t->s);
		/* ... and leave room for the "…": cut only part of it, and it
		 * is never found again, and this loop never ends. */
		do
			n--;
		while (n > 0 && (((unsigned char)t->s[n] & 0xc0) == 0x80 ||
				 n + sizeof "…" > sizeof t->s));
		t->s[n] = '\0';
		strncat(t->s, "…", sizeof t->s - strlen(t->s) - 1);
	}
	t->size = px;
	t->y = y_top + px * 4 / 5;	/* baseline, about the ascent */
	t->x = centre ? x + (max_w - text_width(t->s, px)) / 2 : x;
	return px;
}

/* --- symbols ---------------------------------------------------------------------- */

static int
module_set(const struct zint_symbol *sym, int row, int col)
{
	return (sym->encoded_data[row][col >> 3] >> (col & 7)) & 1;
}

/* Encodes with zint; NULL with why in err. */
static struct zint_symbol *
encode(int symbology, int gs1, const char *data, char *err, size_t size)
{
	struct zint_symbol *sym = ZBarcode_Create();
	if (sym == NULL) {
		fail(err, size, HMC_E_IO, "out of memory");
		return NULL;
	}
	sym->symbology = symbology;
	sym->input_mode = gs1 ? GS1_MODE | GS1PARENS_MODE : UNICODE_MODE;
	if (symbology == BARCODE_DATAMATRIX)
		sym->option_3 = DM_SQUARE;
	int rc = ZBarcode_Encode(sym, (const unsigned char *)data, (int)strlen(data));
	if (rc >= ZINT_ERROR) {
		fail(err, size, HMC_E_INVALID, _("\"%s\" cannot be encoded as %s: %s"), data,
		     symbology == BARCODE_DATAMATRIX ? "DataMatrix" : "Code 128", sym->errtxt);
		ZBarcode_Delete(sym);
		return NULL;
	}
	return sym;
}

/* Keeps a placed symbol for ZPL. */
static void
add_symbol(struct layout *l, int datamatrix, int gs1, int x, int y, int m, int h,
	   const char *data)
{
	/* The test sheet has the most: 7. */
	assert(l->n_symbols < (int)(sizeof l->symbols / sizeof l->symbols[0]));
	struct symbol *s = &l->symbols[l->n_symbols++];
	*s = (struct symbol){ .datamatrix = datamatrix, .gs1 = gs1, .x = x, .y = y,
			      .module = m, .height = h, .cut = strlen(data) >= sizeof s->data };
	xstrlcpy(s->data, data, sizeof s->data);
}

/* Places Code 128 of data at x,y (its quiet zone included in w), bars h
 * high, the module l->module dots or narrower when that does not fit, or
 * without l->module as wide as fits up to 6 dots; at least MIN_DOTS.
 * Returns the module width, or 0 when it does not fit. */
static int
place_1d(struct layout *l, const struct zint_symbol *sym, const char *data, int x, int y, int w,
	 int h)
{
	int modules = sym->width + 2 * QUIET_1D;
	int m = w / modules;
	if (m < MIN_DOTS)
		return 0;
	if (m > (l->module ? l->module : 6))
		m = l->module ? l->module : 6;
	int left = x + (w - sym->width * m) / 2;
	add_symbol(l, 0, 0, left, y, m, h, data);
	for (int col = 0; col < sym->width;) {
		if (!module_set(sym, 0, col)) {
			col++;
			continue;
		}
		int run = 0;
		while (col + run < sym->width && module_set(sym, 0, col + run))
			run++;
		add_box(l, left + col * m, y, run * m, h);
		col += run;
	}
	return m;
}

/* Places a 2D symbol with its top left (quiet zone included) at x,y in a
 * square of side; returns the module size or 0. */
static int
place_2d(struct layout *l, const struct zint_symbol *sym, int gs1, const char *data, int x, int y,
	 int side)
{
	int modules = (sym->width > sym->rows ? sym->width : sym->rows) + 2 * QUIET_2D;
	int m = side / modules;
	if (m < MIN_DOTS)
		return 0;
	int left = x + QUIET_2D * m, top = y + QUIET_2D * m;
	add_symbol(l, 1, gs1, left, top, m, sym->rows * m, data);
	for (int row = 0; row < sym->rows; row++)
		for (int col = 0; col < sym->width;) {
			if (!module_set(sym, row, col)) {
				col++;
				continue;
			}
			int run = 0;
			while (col + run < sym->width && module_set(sym, row, col + run))
				run++;
			add_box(l, left + col * m, top + row * m, run * m, m);
			col += run;
		}
	return m;
}

static int
too_small(const struct label_options *o, const char *what, char *err, size_t size)
{
	return fail(err, size, HMC_E_INVALID,
		    _("a label of %.0fx%.0f mm at %d dpi is too small for %s: its modules would "
		      "be under %d dots; use a larger label or a higher resolution"),
		    o->width_mm, o->height_mm, o->dpi, what, MIN_DOTS);
}

/* --- output ------------------------------------------------------------------------- */

static int
write_png(const struct layout *l, FILE *f, char *err, size_t size)
{
	int rowbytes = (l->width + 7) / 8;
	unsigned char *canvas = xcalloc((size_t)rowbytes * (size_t)l->height, 1);
	/* 1 = white in PNG grayscale; start white, draw dark. */
	memset(canvas, 0xff, (size_t)rowbytes * (size_t)l->height);
#define DARK(x, y) (canvas[(size_t)(y) * rowbytes + (size_t)(x) / 8] &= (unsigned char)~(0x80 >> ((x) & 7)))
	for (int i = 0; i < l->n_boxes; i++) {
		const struct box *b = &l->boxes[i];
		for (int y = b->y; y < b->y + b->h; y++)
			for (int x = b->x; x < b->x + b->w; x++)
				if (x >= 0 && y >= 0 && x < l->width && y < l->height)
					DARK(x, y);
	}
	for (int i = 0; i < l->n_texts; i++) {
		const struct text *t = &l->texts[i];
		FT_Set_Pixel_Sizes(face, 0, (FT_UInt)t->size);
		int pen = t->x;
		mbstate_t st;
		memset(&st, 0, sizeof st);
		for (const char *s = t->s; *s;) {
			wchar_t wc;
			size_t n = mbrtowc(&wc, s, MB_LEN_MAX, &st);
			if (n == 0 || n == (size_t)-1 || n == (size_t)-2) {
				wc = (unsigned char)*s;
				n = 1;
			}
			s += n;
			if (FT_Load_Char(face, (FT_ULong)wc, FT_LOAD_RENDER) != 0)
				continue;
			FT_GlyphSlot g = face->glyph;
			for (unsigned r = 0; r < g->bitmap.rows; r++)
				for (unsigned c = 0; c < g->bitmap.width; c++) {
					/* 1-bit for a thermal printer: dark from half grey. */
					if (g->bitmap.buffer[r * (unsigned)g->bitmap.pitch + c] < 128)
						continue;
					int x = pen + g->bitmap_left + (int)c;
					int y = t->y - g->bitmap_top + (int)r;
					if (x >= 0 && y >= 0 && x < l->width && y < l->height)
						DARK(x, y);
				}
			pen += (int)(g->advance.x >> 6);
		}
	}
#undef DARK
	png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
	png_infop info = png ? png_create_info_struct(png) : NULL;
	if (png == NULL || info == NULL || setjmp(png_jmpbuf(png))) {
		png_destroy_write_struct(&png, &info);
		free(canvas);
		return fail(err, size, HMC_E_IO, "%s", _("cannot write the PNG"));
	}
	png_init_io(png, f);
	png_set_IHDR(png, info, (png_uint_32)l->width, (png_uint_32)l->height, 1, PNG_COLOR_TYPE_GRAY,
		     PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
	/* The resolution, so that printers print it at its size. */
	png_uint_32 ppm = (png_uint_32)lround(l->dpi / 0.0254);
	png_set_pHYs(png, info, ppm, ppm, PNG_RESOLUTION_METER);
	png_write_info(png, info);
	for (int y = 0; y < l->height; y++)
		png_write_row(png, canvas + (size_t)y * rowbytes);
	png_write_end(png, NULL);
	png_destroy_write_struct(&png, &info);
	free(canvas);
	return 0;
}

/* Text for XML. */
static void
xml_text(FILE *f, const char *s)
{
	for (; *s; s++)
		switch (*s) {
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '&': fputs("&amp;", f); break;
		case '"': fputs("&quot;", f); break;
		default: fputc(*s, f);
		}
}

static int
write_svg(const struct layout *l, FILE *f)
{
	double mm = 25.4 / l->dpi;
	fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		   "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.2fmm\" height=\"%.2fmm\""
		   " viewBox=\"0 0 %d %d\" shape-rendering=\"crispEdges\">\n"
		   "<rect width=\"%d\" height=\"%d\" fill=\"#fff\"/>\n<g fill=\"#000\">\n",
		l->width * mm, l->height * mm, l->width, l->height, l->width, l->height);
	for (int i = 0; i < l->n_boxes; i++)
		fprintf(f, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\"/>\n", l->boxes[i].x,
			l->boxes[i].y, l->boxes[i].w, l->boxes[i].h);
	for (int i = 0; i < l->n_texts; i++) {
		fprintf(f, "<text x=\"%d\" y=\"%d\" font-family=\"DejaVu Sans, sans-serif\""
			   " font-size=\"%d\">", l->texts[i].x, l->texts[i].y, l->texts[i].size);
		xml_text(f, l->texts[i].s);
		fputs("</text>\n", f);
	}
	fputs("</g>\n</svg>\n", f);
	return ferror(f) ? HMC_E_IO : 0;
}

/* PostScript strings are Latin-1 here (ISOLatin1Encoding): å ä ö print. */
static void
ps_text(FILE *f, const char *s)
{
	mbstate_t st;
	memset(&st, 0, sizeof st);
	fputc('(', f);
	while (*s) {
		wchar_t wc;
		size_t n = mbrtowc(&wc, s, MB_LEN_MAX, &st);
		if (n == 0 || n == (size_t)-1 || n == (size_t)-2) {
			wc = '?';
			n = 1;
		}
		s += n;
		if (wc == '(' || wc == ')' || wc == '\\')
			fprintf(f, "\\%c", (char)wc);
		else if (wc >= 0x20 && wc < 0x7f)
			fputc((int)wc, f);
		else if (wc >= 0xa0 && wc <= 0xff)
			fprintf(f, "\\%03o", (unsigned)wc);
		else
			fputc('?', f);
	}
	fputc(')', f);
}

static int
write_eps(const struct layout *l, FILE *f)
{
	/* Points: 72 a inch; y grows upwards. */
	double pt = 72.0 / l->dpi;
	fprintf(f, "%%!PS-Adobe-3.0 EPSF-3.0\n%%%%Creator: hmc\n%%%%BoundingBox: 0 0 %d %d\n"
		   "%%%%EndComments\n"
		   "/DejaVuL /DejaVuSans findfont dup length dict begin"
		   " {1 index /FID ne {def} {pop pop} ifelse} forall"
		   " /Encoding ISOLatin1Encoding def currentdict end definefont pop\n"
		   "%.6f %.6f scale\n1 1 1 setrgbcolor 0 0 %d %d rectfill 0 0 0 setrgbcolor\n",
		(int)ceil(l->width * pt), (int)ceil(l->height * pt), pt, pt, l->width, l->height);
	for (int i = 0; i < l->n_boxes; i++)
		fprintf(f, "%d %d %d %d rectfill\n", l->boxes[i].x,
			l->height - l->boxes[i].y - l->boxes[i].h, l->boxes[i].w, l->boxes[i].h);
	for (int i = 0; i < l->n_texts; i++) {
		fprintf(f, "/DejaVuL findfont %d scalefont setfont %d %d moveto ", l->texts[i].size,
			l->texts[i].x, l->height - l->texts[i].y);
		ps_text(f, l->texts[i].s);
		fputs(" show\n", f);
	}
	fputs("showpage\n%%EOF\n", f);
	return ferror(f) ? HMC_E_IO : 0;
}

/* --- ZPL -------------------------------------------------------------------------- */

/* Text for a ZPL field after ^FH: ^ and ~ would start commands and _ is
 * ^FH's own mark, so they and control characters go as _XX; the rest is
 * UTF-8 as it is (^CI28). */
static void
zpl_text(FILE *f, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '^' || c == '~' || c == '_' || c < 0x20 || c == 0x7f)
			fprintf(f, "_%02X", c);
		else
			fputc(c, f);
	}
}

/* Code 128 data for ^BC: printable ASCII (what hmc puts in Code 128
 * through ZPL; Latin-1 letters need FNC4, which ^BC's automatic mode does
 * not promise), ^ ~ _ after ^FH as _XX, and no ">" (^BC's subset
 * switch).  0, or HMC_E_INVALID with the reason. */
static int
zpl_code128(FILE *f, const char *data, char *err, size_t size)
{
	for (const char *c = data; *c; c++)
		if (*c < 0x20 || *c > 0x7e || *c == '>')
			return fail(err, size, HMC_E_INVALID,
				    _("\"%s\" cannot go into Code 128 on a ZPL printer (only ASCII "
				      "letters, digits and signs but \">\"); use PNG, or DataMatrix"),
				    data);
	fputs("^FH^FD", f);
	zpl_text(f, data);
	fputs("^FS\n", f);
	return 0;
}

/* GS1 application identifiers of a fixed length: no FNC1 after them. */
static int
gs1_fixed(const char *ai)
{
	static const char *const fixed[] = { "00", "01", "02", "11", "12", "13", "15", "16",
					     "17", "20" };
	for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
		if (strncmp(ai, fixed[i], 2) == 0)
			return 1;
	return 0;
}

/* DataMatrix data for ^BX with "_" as its escape: a byte other than
 * printable ASCII, and _ ^ ~, as _dNNN (decimal); Latin-1 letters as their
 * Latin-1 byte, as zint encodes them.  GS1 "(01)...(10)LOT(21)..." becomes
 * _1 01... 10LOT _1 21...: FNC1 first, and after each field of variable
 * length that is not the last. */
static int
zpl_datamatrix(FILE *f, const struct symbol *sym, char *err, size_t size)
{
	char out[800];
	size_t n = 0;
	const char *s = sym->data;
	mbstate_t st;
	memset(&st, 0, sizeof st);
#define PUT(...) (n += (size_t)snprintf(out + n, n < sizeof out ? sizeof out - n : 0, __VA_ARGS__))
	if (sym->gs1)
		PUT("_1");
	while (*s && n < sizeof out) {
		if (sym->gs1 && *s == '(') {
			const char *close = strchr(s, ')');
			if (close == NULL)
				break;
			PUT("%.*s", (int)(close - s - 1), s + 1);
			const char *next = strchr(close, '(');
			const char *value = close + 1;
			size_t len = next ? (size_t)(next - value) : strlen(value);
			for (size_t i = 0; i < len; i++) {
				unsigned char c = (unsigned char)value[i];
				if (c == '_' || c == '^' || c == '~' || c < 0x20 || c > 0x7e)
					PUT("_d%03u", c);
				else
					PUT("%c", c);
			}
			if (next != NULL && !gs1_fixed(s + 1))
				PUT("_1");
			s = value + len;
			continue;
		}
		wchar_t wc;
		size_t len = mbrtowc(&wc, s, MB_LEN_MAX, &st);
		if (len == 0 || len == (size_t)-1 || len == (size_t)-2 || wc > 0xff)
			return fail(err, size, HMC_E_INVALID,
				    _("\"%s\" cannot go into DataMatrix on a ZPL printer (only "
				      "Latin-1 letters); use PNG"),
				    sym->data);
		if (wc == '_' || wc == '^' || wc == '~' || wc < 0x20 || wc > 0x7e)
			PUT("_d%03u", (unsigned)wc);
		else
			PUT("%c", (char)wc);
		s += len;
	}
#undef PUT
	if (n >= sizeof out)
		return fail(err, size, HMC_E_INVALID, _("\"%s\" is too long for a label"), sym->data);
	fprintf(f, "^FD%s^FS\n", out);
	return 0;
}

static int
write_zpl(const struct layout *l, FILE *f, char *err, size_t size)
{
	int rc = 0;
	fprintf(f, "^XA\n^CI28\n^PW%d\n^LL%d\n^LH0,0\n", l->width, l->height);
	for (int i = 0; i < l->n_symbols && rc == 0; i++) {
		const struct symbol *sym = &l->symbols[i];
		if (sym->cut) {
			rc = fail(err, size, HMC_E_INVALID, _("\"%s\" is too long for a label"),
				  sym->data);
		} else if (sym->datamatrix) {
			fprintf(f, "^FO%d,%d^BXN,%d,200,,,,_", sym->x, sym->y, sym->module);
			rc = zpl_datamatrix(f, sym, err, size);
		} else {
			fprintf(f, "^FO%d,%d^BY%d^BCN,%d,N,N,N,A", sym->x, sym->y, sym->module,
				sym->height);
			rc = zpl_code128(f, sym->data, err, size);
		}
	}
	for (int i = 0; i < l->n_texts && rc == 0; i++) {
		const struct text *t = &l->texts[i];
		fprintf(f, "^FO%d,%d^A0N,%d,%d^FB%d,1,0,%c^FH^FD", t->box_x, t->top, t->size,
			t->size, t->box_w, t->centre ? 'C' : 'L');
		zpl_text(f, t->s);
		fputs("^FS\n", f);
	}
	fputs("^XZ\n", f);
	if (rc == 0 && ferror(f))
		rc = HMC_E_IO;
	return rc;
}

/* Writes the label whole or not at all. */
static int
write_label(const struct layout *l, const struct label_options *o, const char *path, char *err,
	    size_t size)
{
	char tmp[1100];
	snprintf(tmp, sizeof tmp, "%s.tmp-XXXXXX", path);
	int fd = mkstemp(tmp);
	if (fd < 0)
		return fail(err, size, HMC_E_IO, _("cannot write %s: %s"), path, strerror(errno));
	FILE *f = fdopen(fd, "wb");
	if (f == NULL) {
		close(fd);
		unlink(tmp);
		return fail(err, size, HMC_E_IO, _("cannot write %s: %s"), path, strerror(errno));
	}
	int rc;
	switch (o->format) {
	case LABEL_SVG: rc = write_svg(l, f); break;
	case LABEL_EPS: rc = write_eps(l, f); break;
	case LABEL_ZPL: rc = write_zpl(l, f, err, size); break;
	default: rc = write_png(l, f, err, size); break;
	}
	if (fflush(f) != 0 || fsync(fileno(f)) != 0)
		rc = rc ? rc : HMC_E_IO;
	if (fclose(f) != 0)
		rc = rc ? rc : HMC_E_IO;
	/* mkstemp makes it private; a label is for the printer too. */
	if (rc == 0 && (chmod(tmp, 0644) != 0 || rename(tmp, path) != 0))
		rc = HMC_E_IO;
	if (rc != 0) {
		unlink(tmp);
		if (err[0] == '\0')
			fail(err, size, HMC_E_IO, _("cannot write %s: %s"), path, strerror(errno));
	}
	return rc;
}

/* --- the labels ------------------------------------------------------------------------ */

int
label_module_dots(const struct label_options *o)
{
	double mm = o->module_mm;
	if (mm == 0 && o->format == LABEL_ZPL)
		mm = LABEL_MODULE_MM;
	if (mm == 0)
		return 0;
	int m = (int)lround(mm * o->dpi / 25.4);
	return m < MIN_DOTS ? MIN_DOTS : m;
}

void
label_defaults(struct store *store, struct label_options *o)
{
	memset(o, 0, sizeof *o);
	o->width_mm = 50;
	o->height_mm = 25;
	o->dpi = 203;
	o->format = LABEL_PNG;
	if (store == NULL)
		return;
	o->width_mm = settings_decimal(store, "label.width_mm");
	o->height_mm = settings_decimal(store, "label.height_mm");
	o->dpi = (int)settings_int(store, "label.dpi");
	o->module_mm = settings_decimal(store, "label.module_mm");
	char text[16];
	settings_text(store, "label.format", text, sizeof text);
	if (label_format_of(text) >= 0)
		o->format = (enum label_format)label_format_of(text);
	settings_text(store, "label.printer", o->printer, sizeof o->printer);
}

const char *
label_extension(enum label_format format)
{
	switch (format) {
	case LABEL_SVG: return "svg";
	case LABEL_EPS: return "eps";
	case LABEL_ZPL: return "zpl";
	default: return "png";
	}
}

int
label_format_of(const char *path)
{
	const char *dot = strrchr(path, '.');
	/* A file name by its extension; "zpl" alone as label.format has it. */
	const char *ext = dot != NULL ? dot + 1 : path;
	if (strcasecmp(ext, "png") == 0)
		return LABEL_PNG;
	if (strcasecmp(ext, "svg") == 0)
		return LABEL_SVG;
	if (strcasecmp(ext, "eps") == 0)
		return LABEL_EPS;
	if (strcasecmp(ext, "zpl") == 0)
		return LABEL_ZPL;
	return -1;
}

int
label_gtin_valid(const char *gtin)
{
	size_t n = strlen(gtin);
	if ((n != 8 && n != 12 && n != 13 && n != 14) || strspn(gtin, "0123456789") != n)
		return 0;
	/* Weights 3 and 1 from the right, the check digit excluded. */
	int sum = 0;
	for (size_t i = 0; i + 1 < n; i++) {
		int d = gtin[n - 2 - i] - '0';
		sum += i % 2 == 0 ? 3 * d : d;
	}
	return (10 - sum % 10) % 10 == gtin[n - 1] - '0';
}

static int
start(struct layout *l, const struct label_options *o, char *err, size_t size)
{
	memset(l, 0, sizeof *l);
	if (o->dpi < 100 || o->dpi > 1200 || o->width_mm < 10 || o->height_mm < 8 ||
	    o->width_mm > 300 || o->height_mm > 400)
		return fail(err, size, HMC_E_INVALID,
			    _("a label is 10 to 300 mm wide, 8 to 400 mm high, at 100 to 1200 dpi"));
	if (o->module_mm != 0 && (o->module_mm < 0.1 || o->module_mm > 2))
		return fail(err, size, HMC_E_INVALID, "%s",
			    _("a module (label.module_mm) is 0.1 to 2 mm"));
	l->dpi = o->dpi;
	l->width = dots(l, o->width_mm);
	l->height = dots(l, o->height_mm);
	l->module = label_module_dots(o);
	return font_open(err, size);
}

static void
finish(struct layout *l)
{
	free(l->boxes);
	l->boxes = NULL;
}

/* Code 128 across the top of the space given, its text under it, then
 * lines of smaller text.  Returns 0 or an error. */
static int
barcode_with_text(struct layout *l, const struct label_options *o, int x, int y, int w, int h,
		  const char *data, const char *caption, const char *const *lines, int n_lines,
		  char *err, size_t size)
{
	struct zint_symbol *sym = encode(BARCODE_CODE128, 0, data, err, size);
	if (sym == NULL)
		return HMC_E_INVALID;
	int caption_px = h / 6 > 12 ? h / 6 : 12;
	int line_px = h / 8 > 10 ? h / 8 : 10;
	int bars_h = h - caption_px - n_lines * (line_px + 2) - 4;
	if (bars_h < dots(l, 6)) {	/* bars under 6 mm do not scan well */
		ZBarcode_Delete(sym);
		return too_small(o, data, err, size);
	}
	int m = place_1d(l, sym, data, x, y, w, bars_h);
	ZBarcode_Delete(sym);
	if (m == 0)
		return too_small(o, data, err, size);
	int row = y + bars_h + 2;
	row += add_text(l, x, row, caption_px, w, 1, caption) + 2;
	for (int i = 0; i < n_lines; i++)
		row += add_text(l, x + dots(l, 2), row, line_px, w - dots(l, 4), 0, lines[i]) + 2;
	return 0;
}

int
label_unit(struct store *store, const char *unit_text, const struct label_options *o,
	   const char *path, char *err, size_t size)
{
	char unit_no[UNIT_NO_MAX], udi[160] = "";
	struct unit unit;
	struct article article;
	struct layout l;
	int rc;
	err[0] = '\0';
	if (unit_no_parse(unit_text, unit_no, NULL) != 0)
		return fail(err, size, HMC_E_INVALID, _("\"%s\" is not a unit number: %s"), unit_text,
			    unit_no_rule());
	unit_resolve(store, unit_no, unit_no);
	if (unit_get(store, unit_no, &unit) != 0 ||
	    catalog_article_get(store, unit.article_no, &article) != 0)
		return fail(err, size, HMC_E_NOT_FOUND, "%s", store_errmsg(store));
	if (unit.gtin[0]) {
		if (!label_gtin_valid(unit.gtin))
			return fail(err, size, HMC_E_INVALID,
				    _("unit %s: GTIN %s has a wrong check digit (or is not 8, 12, 13 "
				      "or 14 digits): it cannot go on a label"),
				    unit_no, unit.gtin);
		/* (01) is 14 digits: GTIN-8/12/13 padded with zeros. */
		snprintf(udi, sizeof udi, "(01)%014lld", atoll(unit.gtin));
		if (o->expiry && *o->expiry)
			snprintf(udi + strlen(udi), sizeof udi - strlen(udi), "(17)%s", o->expiry);
		if (o->lot && *o->lot)
			snprintf(udi + strlen(udi), sizeof udi - strlen(udi), "(10)%s", o->lot);
		if (unit.serial[0])
			snprintf(udi + strlen(udi), sizeof udi - strlen(udi), "(21)%s", unit.serial);
	}
	if ((rc = start(&l, o, err, size)) != 0)
		return rc;
	int margin = dots(&l, 1.5);
	int w = l.width - 2 * margin, h = l.height - 2 * margin;
	const char *lines[1] = { article.name };
	if (udi[0]) {
		/* The DataMatrix at the right, as high as the label. */
		struct zint_symbol *dm = encode(BARCODE_DATAMATRIX, 1, udi, err, size);
		if (dm == NULL) {
			finish(&l);
			return HMC_E_INVALID;
		}
		int side = h < w / 3 ? h : w / 3;
		int m = place_2d(&l, dm, 1, udi, margin + w - side, margin, side);
		ZBarcode_Delete(dm);
		if (m == 0) {
			finish(&l);
			return too_small(o, udi, err, size);
		}
		w -= side;
	}
	rc = barcode_with_text(&l, o, margin, margin, w, h, unit_no, unit_no, lines, 1, err, size);
	if (rc == 0)
		rc = write_label(&l, o, path, err, size);
	finish(&l);
	return rc;
}

int
label_relabel(struct store *store, const char *unit_text, const struct label_options *o,
	      const char *path, char *err, size_t size)
{
	char unit_no[UNIT_NO_MAX], line[96];
	struct unit unit;
	struct layout l;
	int rc;
	err[0] = '\0';
	if (unit_no_parse(unit_text, unit_no, NULL) != 0)
		return fail(err, size, HMC_E_INVALID, _("\"%s\" is not a unit number: %s"), unit_text,
			    unit_no_rule());
	unit_resolve(store, unit_no, unit_no);
	if (unit_get(store, unit_no, &unit) != 0)
		return fail(err, size, HMC_E_NOT_FOUND, "%s", store_errmsg(store));
	/* The new number is the alias the field check gave it. */
	char label[UNIT_NO_MAX] = "";
	sqlite3_stmt *stmt = store_stmt(store,
		"SELECT alias FROM unit_aliases WHERE unit_no = ?1 ORDER BY alias LIMIT 1");
	sqlite3_bind_text(stmt, 1, unit_no, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(stmt) == SQLITE_ROW)
		xstrlcpy(label, (const char *)sqlite3_column_text(stmt, 0), sizeof label);
	sqlite3_reset(stmt);
	if (label[0] == '\0')
		return fail(err, size, HMC_E_NOT_FOUND,
			    _("unit %s has no new number: give it one with its field check "
			      "(hmc legacy check %s --outcome in-use --new-no NUMBER)"),
			    unit_no, unit_no);
	if ((rc = start(&l, o, err, size)) != 0)
		return rc;
	snprintf(line, sizeof line, _("was %s"), unit_no);
	const char *lines[1] = { line };
	int margin = dots(&l, 1.5);
	rc = barcode_with_text(&l, o, margin, margin, l.width - 2 * margin, l.height - 2 * margin,
			       label, label, lines, 1, err, size);
	if (rc == 0)
		rc = write_label(&l, o, path, err, size);
	finish(&l);
	return rc;
}

int
label_location(struct store *store, const char *code, const struct label_options *o,
	       const char *path, char *err, size_t size)
{
	struct location loc;
	struct layout l;
	int rc;
	err[0] = '\0';
	if (catalog_location_get(store, code, &loc) != 0)
		return fail(err, size, HMC_E_NOT_FOUND, "%s", store_errmsg(store));
	if ((rc = start(&l, o, err, size)) != 0)
		return rc;
	char where[128];
	snprintf(where, sizeof where, "%s%s%s", loc.depot, loc.name[0] ? " · " : "", loc.name);
	const char *lines[1] = { where };
	int margin = dots(&l, 1.5);
	rc = barcode_with_text(&l, o, margin, margin, l.width - 2 * margin, l.height - 2 * margin,
			       loc.code, loc.code, lines, 1, err, size);
	if (rc == 0)
		rc = write_label(&l, o, path, err, size);
	finish(&l);
	return rc;
}

int
label_text(const char *text, int datamatrix, const struct label_options *o, const char *path,
	   char *err, size_t size)
{
	struct layout l;
	int rc;
	err[0] = '\0';
	if (text[0] == '\0')
		return fail(err, size, HMC_E_INVALID, "%s", _("nothing to put on the label"));
	if ((rc = start(&l, o, err, size)) != 0)
		return rc;
	int margin = dots(&l, 1.5);
	if (datamatrix) {
		struct zint_symbol *dm = encode(BARCODE_DATAMATRIX, 0, text, err, size);
		int side = l.height - 2 * margin < l.width / 2 ? l.height - 2 * margin : l.width / 2;
		if (dm == NULL) {
			rc = HMC_E_INVALID;
		} else {
			if (place_2d(&l, dm, 0, text, margin, margin, side) == 0)
				rc = too_small(o, text, err, size);
			ZBarcode_Delete(dm);
		}
		if (rc == 0)
			add_text(&l, margin + side + dots(&l, 2), margin, l.height / 6,
				 l.width - side - 2 * margin - dots(&l, 2), 0, text);
	} else {
		rc = barcode_with_text(&l, o, margin, margin, l.width - 2 * margin,
				       l.height - 2 * margin, text, text, NULL, 0, err, size);
	}
	if (rc == 0)
		rc = write_label(&l, o, path, err, size);
	finish(&l);
	return rc;
}

int
label_sheet(const struct label_options *options, const char *path, char *err, size_t size)
{
	/* What to scan, and what it must read as. */
	static const struct {
		const char *data;	/* GS1 in (AI) form */
		int gs1;
		const char *what;
		const char *reads;
	} samples[] = {
		{ "10023456", 0, N_("a unit number"), "10023456" },
		{ "F12345", 0, N_("a legacy F number"), "F12345" },
		{ "M123456", 0, N_("a legacy M number"), "M123456" },
		{ "(01)09501101530003(17)281231(10)AB-12(21)A7B", 1,
		  N_("a UDI: GTIN, expiry, lot and serial, with separators"),
		  "(01)09501101530003(17)281231(10)AB-12(21)A7B" },
		{ "GBG-A01-3", 0, N_("a shelf"), "GBG-A01-3" },
		{ "100210", 0, N_("an article number"), "100210" },
		{ "Åäö-Göteborg", 0, N_("Swedish letters: the keyboard layout"), "Åäö-Göteborg" },
	};
	struct label_options o = *options;
	struct layout l;
	int rc;
	err[0] = '\0';
	o.width_mm = 210;
	o.height_mm = 297;
	if ((rc = start(&l, &o, err, size)) != 0)
		return rc;
	/* Seven rows, the UDI's DataMatrix in the middle one, centred on the
	 * page: decoders (ZXing's among them) look for a DataMatrix across
	 * the middle of the picture first. */
	int margin = dots(&l, 15), n = (int)(sizeof samples / sizeof samples[0]);
	int slot = dots(&l, 36), side = dots(&l, 24), middle = n / 2;
	int code_w = dots(&l, 90), text_x = margin + code_w + dots(&l, 8);
	int text_w = l.width - text_x - margin;
	int first = l.height / 2 - side / 2 - middle * slot;
	add_text(&l, margin, dots(&l, 6), dots(&l, 6), l.width - 2 * margin, 0,
		 _("hmc: scanner test sheet"));
	add_text(&l, margin, dots(&l, 14), dots(&l, 3.5), l.width - 2 * margin, 0,
		 _("Scan each code; hmc scan shows what the scanner sent."));
	for (int i = 0; i < n && rc == 0; i++) {
		char caption[200];
		int y = first + i * slot;
		struct zint_symbol *sym = encode(samples[i].gs1 ? BARCODE_DATAMATRIX : BARCODE_CODE128,
						 samples[i].gs1, samples[i].data, err, size);
		if (sym == NULL) {
			rc = HMC_E_INVALID;
			break;
		}
		int placed = samples[i].gs1
			? place_2d(&l, sym, 1, samples[i].data, margin + (code_w - side) / 2, y, side)
			: place_1d(&l, sym, samples[i].data, margin, y, code_w, side);
		ZBarcode_Delete(sym);
		if (placed == 0) {
			rc = too_small(&o, samples[i].data, err, size);
			break;
		}
		snprintf(caption, sizeof caption, "%d. %s", i + 1, _(samples[i].what));
		add_text(&l, text_x, y, dots(&l, 4), text_w, 0, caption);
		snprintf(caption, sizeof caption, _("reads as: %s"), samples[i].reads);
		add_text(&l, text_x, y + dots(&l, 7), dots(&l, 4), text_w, 0, caption);
	}
	if (rc == 0)
		rc = write_label(&l, &o, path, err, size);
	finish(&l);
	return rc;
}

/* The first executable name in PATH (or the usual places when PATH is
 * unset) into out; 0 or -1. */
static int
find_in_path(const char *name, char *out, size_t size)
{
	const char *path = getenv("PATH");
	if (path == NULL || *path == '\0')
		path = "/usr/local/bin:/usr/bin:/bin";
	while (*path) {
		size_t len = strcspn(path, ":");
		if (len > 0) {
			snprintf(out, size, "%.*s/%s", (int)len, path, name);
			if (access(out, X_OK) == 0)
				return 0;
		}
		path += len + (path[len] == ':');
	}
	return -1;
}

int
label_print(const char *path, const struct label_options *o, char *err, size_t size)
{
	char lp[1024];
	/* lp from PATH, as a shell would find it: hmc runs with its user's
	 * rights, and the tests put a recording lp first. */
	if (find_in_path("lp", lp, sizeof lp) != 0)
		return fail(err, size, HMC_E_UNSUPPORTED,
			    _("no printing system here (CUPS' lp is not installed): the label is "
			      "in %s; print it from a computer with the label printer"),
			    path);
	const char *argv[12];
	int n = 0;
	argv[n++] = "lp";
	if (o->printer[0]) {
		argv[n++] = "-d";
		argv[n++] = o->printer;
	}
	/* ZPL goes to the printer as it is: a raw queue, no filter. */
	if (o->format == LABEL_ZPL) {
		argv[n++] = "-o";
		argv[n++] = "raw";
	}
	argv[n++] = "-s";
	argv[n++] = "--";
	argv[n++] = path;
	argv[n] = NULL;
	pid_t pid = fork();
	if (pid < 0)
		return fail(err, size, HMC_E_IO, "fork: %s", strerror(errno));
	if (pid == 0) {
		execv(lp, (char *const *)argv);
		_exit(127);
	}
	int status;
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		if (o->printer[0])
			return fail(err, size, HMC_E_IO,
				    _("lp could not print %s on %s (is that queue set up? lpstat -p "
				      "lists them)"),
				    path, o->printer);
		return fail(err, size, HMC_E_IO,
			    _("lp could not print %s (is a printer set up? lpstat -p lists them)"),
			    path);
	}
	return 0;
}

int
label_terminal(const char *text, int datamatrix, char *out, size_t size, int *cols, int *lines)
{
	char err[256];
	struct zint_symbol *sym = encode(datamatrix ? BARCODE_DATAMATRIX : BARCODE_CODE128, 0, text,
					 err, sizeof err);
	if (sym == NULL)
		return HMC_E_INVALID;
	int quiet = datamatrix ? QUIET_2D : QUIET_1D;
	int rows = datamatrix ? sym->rows : 8;	/* a 1D code: 8 module rows high */
	int w = sym->width + 2 * quiet, h = rows + 2 * quiet;
	size_t len = 0;
	*cols = w;
	*lines = (h + 1) / 2;
	out[0] = '\0';
	for (int y = 0; y < h; y += 2) {
		for (int x = 0; x < w; x++) {
			int mx = x - quiet, my0 = y - quiet, my1 = y + 1 - quiet;
			int top = mx >= 0 && mx < sym->width && my0 >= 0 && my0 < rows &&
				  module_set(sym, datamatrix ? my0 : 0, mx);
			int bottom = mx >= 0 && mx < sym->width && my1 >= 0 && my1 < rows &&
				     module_set(sym, datamatrix ? my1 : 0, mx);
			const char *cell = top && bottom ? "█" : top ? "▀" : bottom ? "▄" : " ";
			if (len + 4 >= size) {
				ZBarcode_Delete(sym);
				return HMC_E_INVALID;
			}
			len += (size_t)snprintf(out + len, size - len, "%s", cell);
		}
		if (len + 2 >= size) {
			ZBarcode_Delete(sym);
			return HMC_E_INVALID;
		}
		out[len++] = '\n';
		out[len] = '\0';
	}
	ZBarcode_Delete(sym);
	return 0;
}
