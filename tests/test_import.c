/*
 * test_import.c — CSV reading and importing.
 *
 * Covers the reader (quotes, doubled quotes, line breaks inside quotes,
 * CRLF, BOM, ';' and tab separators, blank lines, Latin-1 text, an unclosed
 * quote, text after a closing quote) and the import: good files of every
 * kind in any column order; a bad file refused whole with every bad row
 * reported by line and reason and nothing imported; unknown, missing and
 * doubled columns; duplicate keys; units naming unknown articles; an empty
 * file; a header-only file; import by a staff member; re-putting an
 * article updates it.
 */
#include "testutil.h"

#include "hmc/catalog.h"
#include "hmc/csv.h"
#include "hmc/error.h"
#include "hmc/import.h"
#include "hmc/store.h"
#include "hmc/unit.h"

#include <stdio.h>
#include <string.h>

struct reports {
	int n;
	long lines[32];
	char text[32][256];
};

static void
collect(long line, const char *message, void *arg)
{
	struct reports *r = arg;
	if (r->n < 32) {
		r->lines[r->n] = line;
		snprintf(r->text[r->n], sizeof r->text[0], "%s", message);
	}
	r->n++;
}

static int
reported(const struct reports *r, long line, const char *words)
{
	for (int i = 0; i < r->n && i < 32; i++)
		if (r->lines[i] == line && strstr(r->text[i], words))
			return 1;
	return 0;
}

static void
read_all(const char *text, char out[][8][64], int *n_records, int *n_errors)
{
	struct csv *csv;
	char err[128], **fields;
	int n;
	long line;
	const char *path = testutil_write("read.csv", text);
	assert_int_equal(csv_open(path, &csv, err, sizeof err), 0);
	*n_records = *n_errors = 0;
	int rc;
	while ((rc = csv_read(csv, &fields, &n, &line, err, sizeof err)) != 0) {
		if (rc < 0) {
			(*n_errors)++;
			continue;
		}
		for (int i = 0; i < n && i < 8; i++)
			snprintf(out[*n_records][i], 64, "%s", fields[i]);
		(*n_records)++;
	}
	csv_close(csv);
}

static void
reader_handles_what_spreadsheets_write(void **state)
{
	(void)state;
	char rows[8][8][64];
	int n, errors;

	read_all("\xef\xbb\xbf" "a;b;c\r\n1;\"two; and \"\"2\"\"\";3\r\n\r\n4;\"line\nbreak\";6\r\n",
		 rows, &n, &errors);
	assert_int_equal(errors, 0);
	assert_int_equal(n, 3);
	assert_string_equal(rows[0][0], "a");
	assert_string_equal(rows[1][1], "two; and \"2\"");
	assert_string_equal(rows[2][1], "line\nbreak");
	assert_string_equal(rows[2][2], "6");

	read_all("a\tb\nx y\tz\n", rows, &n, &errors);
	assert_int_equal(n, 2);
	assert_string_equal(rows[1][0], "x y");

	read_all("a,b\n\"open,2\n", rows, &n, &errors);
	assert_int_equal(n, 1);
	assert_int_equal(errors, 1);

	read_all("a,b\n\"x\"y,2\n3,4\n", rows, &n, &errors);
	assert_int_equal(errors, 1);
	assert_int_equal(n, 2);	/* the reader goes on after a bad record */
	assert_string_equal(rows[1][0], "3");

	read_all("a,b\nG\xf6teborg,2\n", rows, &n, &errors);	/* Latin-1 ö */
	assert_int_equal(errors, 1);
}

static void
good_files_of_every_kind(void **state)
{
	(void)state;
	struct store *store = testutil_store_at(testutil_path("imp.db"), "imp");
	struct reports r = { 0 };
	long n;

	const char *articles = testutil_write("articles.csv",
		"Article_No;Name;Area;Rent;Price;Weight_Bearing;Returnable\n"
		"500001;Rollator Delta;hjm;55,50;2 450,00;ja;ja\n"
		"500002;\"Säng; elektrisk\";HJM;440;21800;1;1\n"
		"500003;Nutrition set;LMN;0;380;nej;nej\n");
	assert_int_equal(import_csv(store, OP_BACK, "articles", articles, collect, &r, &n), 0);
	assert_int_equal(n, 3);
	struct article a;
	assert_int_equal(catalog_article_get(store, "500001", &a), 0);
	assert_int_equal(a.rent_ore, 5550);
	assert_int_equal(a.price_ore, 245000);
	assert_string_equal(a.area, "HJM");
	assert_true(a.weight_bearing);
	assert_int_equal(catalog_article_get(store, "500002", &a), 0);
	assert_string_equal(a.name, "Säng; elektrisk");
	assert_int_equal(catalog_article_get(store, "500003", &a), 0);
	assert_false(a.returnable);

	const char *payers = testutil_write("payers.csv",
		"payer_id,name,kind\nk1480,Göteborgs Stad,municipality\nR-SU,SU,region\n");
	assert_int_equal(import_csv(store, OP_BACK, "payers", payers, collect, &r, &n), 0);
	struct payer p;
	assert_int_equal(catalog_payer_get(store, "K1480", &p), 0);
	assert_string_equal(p.name, "Göteborgs Stad");

	const char *locations = testutil_write("locations.csv",
		"depot,code,name\nGBG,gbg-a01-1,Shelf\nGBG,GBG-MOTT,Reception\n");
	assert_int_equal(import_csv(store, OP_BACK, "locations", locations, collect, &r, &n), 0);

	const char *units = testutil_write("units.csv",
		"unit_no,article,state,location,payer,recipient,acquired,value\n"
		"10000001,500001,,GBG-A01-1,,,2020-01-02,2 000\n"
		"f1234,500001,DELIVERED,,K1480,R9,2005-01-01,\n"
		" M123456 ,500002,delivered,,R-SU,,,\n");
	assert_int_equal(import_csv(store, OP_BACK, "units", units, collect, &r, &n), 0);
	assert_int_equal(r.n, 0);
	assert_int_equal(n, 3);
	struct unit u;
	assert_int_equal(unit_get(store, "F1234", &u), 0);
	assert_int_equal(u.state, UNIT_DELIVERED);
	assert_int_equal(u.origin, ORIGIN_F);
	assert_string_equal(u.payer, "K1480");
	assert_int_equal(unit_get(store, "M123456", &u), 0);
	assert_int_equal(u.value_ore, 2180000);	/* the article's price */
	assert_int_equal(unit_get(store, "10000001", &u), 0);
	assert_int_equal(u.value_ore, 200000);
	assert_string_equal(u.location, "GBG-A01-1");

	/* Importing an article again updates it. */
	const char *again = testutil_write("again.csv",
		"article_no,name,area,rent\n500001,Rollator Delta 2,HJM,60\n");
	assert_int_equal(import_csv(store, OP_BACK, "articles", again, collect, &r, &n), 0);
	assert_int_equal(catalog_article_get(store, "500001", &a), 0);
	assert_string_equal(a.name, "Rollator Delta 2");
	assert_int_equal(a.rent_ore, 6000);
	store_close(store);
}

static void
bad_file_is_refused_whole(void **state)
{
	(void)state;
	struct store *store = testutil_store();
	struct reports r = { 0 };
	long n;
	int64_t events = testutil_int(store, "SELECT count(*) FROM journal");

	const char *units = testutil_write("bad_units.csv",
		"unit_no,article,location,acquired,value\n"
		"10000001,100210,GBG-A01-1,2020-01-01,100\n"	/* line 2: good */
		"1234,100210,GBG-A01-1,,\n"			/* 3: bad number */
		"10000003,999999,GBG-A01-1,,\n"			/* 4: no article */
		"10000004,100210,GBG-A01-1,2020-02-30,\n"	/* 5: no such date */
		"10000005,100210,NOWHERE,,\n"			/* 6: no location */
		"10000001,100210,GBG-A01-1,,\n"			/* 7: duplicate */
		"10000007,100210,GBG-A01-1,,12 kr\n"		/* 8: bad money */
		"10000008,100210\n"				/* 9: too few fields */
		"10000009,100210,GBG-A01-1,,\n");		/* 10: good */
	assert_int_equal(import_csv(store, OP_BACK, "units", units, collect, &r, &n),
			 HMC_E_INVALID);
	assert_int_equal(r.n, 7);
	assert_true(reported(&r, 3, "unit number"));
	assert_true(reported(&r, 4, "999999"));
	assert_true(reported(&r, 5, "date"));
	assert_true(reported(&r, 6, "NOWHERE"));
	assert_true(reported(&r, 7, "also on line 2"));
	assert_true(reported(&r, 8, "amount"));
	assert_true(reported(&r, 9, "fields"));
	assert_non_null(strstr(store_errmsg(store), "nothing was imported"));
	/* Nothing half imported: not even the good rows. */
	assert_int_equal(testutil_int(store, "SELECT count(*) FROM journal"), events);
	assert_int_equal(testutil_int(store, "SELECT count(*) FROM units"), 0);
	assert_int_equal(testutil_int(store, "SELECT max(device_seq) FROM journal"), events);
	store_close(store);
}

static void
bad_headers(void **state)
{
	(void)state;
	struct store *store = testutil_store();
	struct reports r;
	long n;
	static const struct {
		const char *text, *words;
	} cases[] = {
		{ "article_no,name,area,colour\n1,A,HJM,red\n", "unknown column \"colour\"" },
		{ "article_no,name\n1,A\n", "\"area\"" },
		{ "name,area\nA,HJM\n", "\"article_no\"" },
		{ "article_no,name,area,name\n1,A,HJM,B\n", "twice" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		memset(&r, 0, sizeof r);
		const char *path = testutil_write("header.csv", cases[i].text);
		assert_int_equal(import_csv(store, OP_BACK, "articles", path, collect, &r, &n),
				 HMC_E_INVALID);
		assert_true(reported(&r, 1, cases[i].words));
	}
	memset(&r, 0, sizeof r);
	assert_int_equal(import_csv(store, OP_BACK, "articles", testutil_write("e.csv", ""),
				    collect, &r, &n), HMC_E_INVALID);
	assert_non_null(strstr(store_errmsg(store), "empty"));
	assert_int_equal(import_csv(store, OP_BACK, "articles",
				    testutil_write("h.csv", "article_no,name,area\n"),
				    collect, &r, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(import_csv(store, OP_BACK, "articles", testutil_path("nope.csv"),
				    collect, &r, &n), HMC_E_IO);
	assert_int_equal(import_csv(store, OP_BACK, "gadgets", testutil_path("h.csv"),
				    collect, &r, &n), HMC_E_INVALID);
	assert_int_equal(import_csv(store, OP_STAFF, "articles", testutil_path("h.csv"),
				    collect, &r, &n), HMC_E_DENIED);
	store_close(store);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(reader_handles_what_spreadsheets_write),
		cmocka_unit_test(good_files_of_every_kind),
		cmocka_unit_test(bad_file_is_refused_whole),
		cmocka_unit_test(bad_headers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
