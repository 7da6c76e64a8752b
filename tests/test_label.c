/*
 * test_label.c — labels: the terminal drawing against zint's module
 * matrix, GTIN check digits, refusals that leave no file, and the exact
 * module (ZPL's ^BY) at 203 and 300 dpi.
 *
 * The decoding of rendered labels by real decoders is in t_label.sh.
 */
#include "testutil.h"

#include "hmc/error.h"
#include "hmc/label.h"
#include "hmc/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zint.h>

/* The module at row, col of the symbol zint makes of text. */
static int
module(const struct zint_symbol *sym, int row, int col)
{
	return (sym->encoded_data[row][col >> 3] >> (col & 7)) & 1;
}

/* The cell at (line, col) of a drawing: 0 blank, 1 upper, 2 lower, 3 both. */
static int
cell(const char *drawing, int line, int col)
{
	const char *p = drawing;
	for (int i = 0; i < line; i++)
		p = strchr(p, '\n') + 1;
	for (int i = 0; i < col; i++)
		p += (unsigned char)*p < 0x80 ? 1 : 3;	/* " " or a 3-byte block */
	if (*p == ' ')
		return 0;
	if (strncmp(p, "▀", 3) == 0)
		return 1;
	if (strncmp(p, "▄", 3) == 0)
		return 2;
	if (strncmp(p, "█", 3) == 0)
		return 3;
	fail_msg("unexpected character at line %d col %d", line, col);
	return -1;
}

static void
terminal_matches_matrix(void **state)
{
	(void)state;
	static const char *const texts[] = { "10023456", "F12345", "GBG-A01-3" };
	for (size_t t = 0; t < sizeof texts / sizeof texts[0]; t++) {
		char drawing[16384];
		int cols, lines;
		assert_int_equal(label_terminal(texts[t], 1, drawing, sizeof drawing, &cols, &lines), 0);
		struct zint_symbol *sym = ZBarcode_Create();
		sym->symbology = BARCODE_DATAMATRIX;
		sym->option_3 = DM_SQUARE;
		assert_true(ZBarcode_Encode(sym, (const unsigned char *)texts[t],
					    (int)strlen(texts[t])) < ZINT_ERROR);
		assert_int_equal(cols, sym->width + 4);
		assert_int_equal(lines, (sym->rows + 4 + 1) / 2);
		for (int line = 0; line < lines; line++)
			for (int col = 0; col < cols; col++) {
				int y0 = 2 * line - 2, y1 = 2 * line - 1, x = col - 2;
				int up = x >= 0 && x < sym->width && y0 >= 0 && y0 < sym->rows &&
					 module(sym, y0, x);
				int down = x >= 0 && x < sym->width && y1 >= 0 && y1 < sym->rows &&
					   module(sym, y1, x);
				assert_int_equal(cell(drawing, line, col), up | down << 1);
			}
		ZBarcode_Delete(sym);
	}
	/* Code 128 too: one module row, drawn 8 high. */
	char drawing[16384];
	int cols, lines;
	assert_int_equal(label_terminal("F12345", 0, drawing, sizeof drawing, &cols, &lines), 0);
	assert_int_equal(lines, (8 + 20 + 1) / 2);
	/* Too small a buffer, and what cannot be encoded, are refused. */
	assert_int_equal(label_terminal("10023456", 1, drawing, 40, &cols, &lines), HMC_E_INVALID);
	assert_int_equal(label_terminal("€", 0, drawing, sizeof drawing, &cols, &lines),
			 HMC_E_INVALID);
}

static void
gtin_check_digits(void **state)
{
	(void)state;
	assert_true(label_gtin_valid("09501101530003"));
	assert_true(label_gtin_valid("9501101530003"));
	assert_true(label_gtin_valid("96385074"));	/* GTIN-8 */
	assert_true(label_gtin_valid("036000291452"));	/* GTIN-12 */
	assert_false(label_gtin_valid("09501101530004"));
	assert_false(label_gtin_valid("0950110153000"));
	assert_false(label_gtin_valid("0950110153000X"));
	assert_false(label_gtin_valid(""));
}

static int
exists(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0;
}

static void
refusals_leave_nothing(void **state)
{
	(void)state;
	struct store *store = testutil_store();
	struct label_options o;
	char err[512];
	const char *path = testutil_path("label.png");
	label_defaults(store, &o);
	testutil_move(store, OP_STAFF, EV_REGISTER, "10000001",
		      "article=100210&location=GBG-A01-1&gtin=9501101530004&serial=S1");
	assert_int_equal(label_unit(store, "10000001", &o, path, err, sizeof err), HMC_E_INVALID);
	assert_non_null(strstr(err, "check digit"));
	assert_false(exists(path));
	assert_int_equal(label_unit(store, "nonsense", &o, path, err, sizeof err), HMC_E_INVALID);
	assert_int_equal(label_unit(store, "10000999", &o, path, err, sizeof err), HMC_E_NOT_FOUND);
	o.width_mm = 15;
	o.height_mm = 10;
	assert_int_equal(label_location(store, "GBG-A01-1", &o, path, err, sizeof err),
			 HMC_E_INVALID);
	assert_non_null(strstr(err, "too small"));
	assert_false(exists(path));
	label_defaults(store, &o);
	o.dpi = 50;
	assert_int_equal(label_location(store, "GBG-A01-1", &o, path, err, sizeof err),
			 HMC_E_INVALID);
	/* A good one, then the same name again: replaced whole. */
	label_defaults(store, &o);
	assert_int_equal(label_location(store, "GBG-A01-1", &o, path, err, sizeof err), 0);
	assert_true(exists(path));
	assert_int_equal(label_location(store, "GBG-A01-2", &o, path, err, sizeof err), 0);
	/* No temporary files left beside it. */
	char pattern[600];
	snprintf(pattern, sizeof pattern, "ls %s/label.png.tmp-* 2>/dev/null | wc -l",
		 testutil_dir());
	FILE *ls = popen(pattern, "r");
	int n = -1;
	assert_int_equal(fscanf(ls, "%d", &n), 1);
	pclose(ls);
	assert_int_equal(n, 0);
	assert_int_equal(label_format_of("x.PNG"), LABEL_PNG);
	assert_int_equal(label_format_of("x.svg"), LABEL_SVG);
	assert_int_equal(label_format_of("x.eps"), LABEL_EPS);
	assert_int_equal(label_format_of("x.gif"), -1);
	assert_int_equal(label_format_of("x"), -1);
	assert_int_equal(label_format_of("x.zpl"), LABEL_ZPL);
	assert_int_equal(label_format_of("zpl"), LABEL_ZPL);	/* label.format */
	store_close(store);
}

/* 0.25 mm to whole dots: 1.998 -> 2 at 203 dpi, 2.953 -> 3 at 300, never
 * under 2; PNG without module_mm keeps "as wide as fits" (0). */
static void
module_dots(void **state)
{
	(void)state;
	struct label_options o;
	label_defaults(NULL, &o);
	assert_int_equal(label_module_dots(&o), 0);
	o.format = LABEL_ZPL;
	assert_int_equal(label_module_dots(&o), 2);
	o.dpi = 300;
	assert_int_equal(label_module_dots(&o), 3);
	o.dpi = 600;
	assert_int_equal(label_module_dots(&o), 6);
	o.dpi = 203;
	o.module_mm = 0.1;
	assert_int_equal(label_module_dots(&o), 2);
	o.module_mm = 0.5;
	assert_int_equal(label_module_dots(&o), 4);
	o.format = LABEL_PNG;
	o.module_mm = 0.38;	/* 3.04 dots */
	assert_int_equal(label_module_dots(&o), 3);
	assert_string_equal(label_extension(LABEL_ZPL), "zpl");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(terminal_matches_matrix),
		cmocka_unit_test(gtin_check_digits),
		cmocka_unit_test(refusals_leave_nothing),
		cmocka_unit_test(module_dots),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	testutil_cleanup();
	return rc;
}
