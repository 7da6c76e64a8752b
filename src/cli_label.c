/*
 * cli_label.c — labels from the command line:
 *
 *   hmc label unit NO [--expiry YYMMDD] [--lot LOT] [-o FILE] [--print]
 *   hmc label relabel NO [-o FILE] [--print]     an F/M unit's new number
 *   hmc label location CODE [-o FILE] [--print]
 *   hmc label text TEXT [--datamatrix] [-o FILE]   any text
 *   hmc label sheet [-o FILE] [--print]           the scanner test sheet
 *   hmc label show NO                             the code in the terminal
 *
 * Size and resolution: --width-mm, --height-mm, --dpi, --module-mm (or
 * the store's label.* settings; 50x25 mm at 203 dpi).  The format follows
 * the file name: .png, .svg, .eps or .zpl (ZPL for Zebra printers); without
 * -o, label.format.  --print hands it to lp, on --printer QUEUE or
 * label.printer (ZPL as raw).
 */
#include "cli_int.h"
#include "hmc/error.h"
#include "hmc/i18n.h"
#include "hmc/label.h"
#include "hmc/store.h"
#include "hmc/xmem.h"

#include <stdlib.h>
#include <string.h>

const struct cli_opt cli_label_opts[] = {
	{ "expiry", 1 }, { "lot", 1 }, { "print", 0 }, { "width-mm", 1 }, { "height-mm", 1 },
	{ "dpi", 1 }, { "output", 1 }, { "datamatrix", 0 }, { "module-mm", 1 }, { "printer", 1 },
	{ NULL, 0 },
};

static int
number(const char *text, double min, double max, double *out)
{
	char *end;
	double v = strtod(text, &end);
	if (*end != '\0' || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

int
cli_label(struct cli *cli)
{
	struct label_options o;
	const char *output = cli_opt(cli, "output");
	char path[1024], err[512];
	int n = 0;

	/* -o FILE, as everyone types it */
	for (int i = 0; i < cli->n_args; i++) {
		if (strcmp(cli->args[i], "-o") == 0 && i + 1 < cli->n_args) {
			output = cli->args[++i];
			continue;
		}
		cli->args[n++] = cli->args[i];
	}
	cli->n_args = n;
	const char *what = n > 0 ? cli->args[0] : "";
	int needs_key = strcmp(what, "sheet") != 0;
	if ((strcmp(what, "unit") && strcmp(what, "relabel") && strcmp(what, "location") &&
	     strcmp(what, "sheet") && strcmp(what, "show") && strcmp(what, "text")) ||
	    n != (needs_key ? 2 : 1))
		return cli_usage_error(cli_current_verb,
				       _("use hmc label unit|relabel NO, location CODE, text TEXT, "
					 "sheet, or show NO"));
	int needs_store = needs_key && strcmp(what, "text") != 0;
	if (strcmp(what, "show") == 0) {
		char out[16384];
		int cols, lines;
		if (label_terminal(cli->args[1], 1, out, sizeof out, &cols, &lines) != 0)
			return cli_fail(_("\"%s\" cannot be drawn"), cli->args[1]);
		fputs(out, stdout);
		return CLI_OK;
	}

	struct store *store = NULL;
	if (needs_store && (store = cli_open_store(cli, 0)) == NULL)
		return CLI_FAIL;
	label_defaults(store, &o);
	double v;
	const char *text;
	if ((text = cli_opt(cli, "width-mm")) != NULL) {
		if (number(text, 10, 300, &v) != 0)
			goto usage;
		o.width_mm = v;
	}
	if ((text = cli_opt(cli, "height-mm")) != NULL) {
		if (number(text, 8, 400, &v) != 0)
			goto usage;
		o.height_mm = v;
	}
	if ((text = cli_opt(cli, "dpi")) != NULL) {
		if (number(text, 100, 1200, &v) != 0)
			goto usage;
		o.dpi = (int)v;
	}
	if ((text = cli_opt(cli, "module-mm")) != NULL) {
		if (number(text, 0.1, 2, &v) != 0)
			goto usage;
		o.module_mm = v;
	}
	if ((text = cli_opt(cli, "printer")) != NULL)
		xstrlcpy(o.printer, text, sizeof o.printer);
	o.expiry = cli_opt(cli, "expiry");
	o.lot = cli_opt(cli, "lot");
	if (output == NULL && strcmp(what, "text") == 0)
		snprintf(path, sizeof path, "label-text.%s", label_extension(o.format));
	else if (output == NULL)
		snprintf(path, sizeof path, "%s%s%s.%s", what, needs_key ? "-" : "",
			 needs_key ? cli->args[1] : "", label_extension(o.format));
	else
		xstrlcpy(path, output, sizeof path);
	int format = label_format_of(path);
	if (format < 0 || strchr(path, '.') == NULL) {
		store_close(store);
		return cli_usage_error(cli_current_verb,
				       _("%s: a label is written as .png, .svg, .eps or .zpl"), path);
	}
	o.format = (enum label_format)format;

	int rc;
	err[0] = '\0';
	if (strcmp(what, "unit") == 0)
		rc = label_unit(store, cli->args[1], &o, path, err, sizeof err);
	else if (strcmp(what, "relabel") == 0)
		rc = label_relabel(store, cli->args[1], &o, path, err, sizeof err);
	else if (strcmp(what, "location") == 0)
		rc = label_location(store, cli->args[1], &o, path, err, sizeof err);
	else if (strcmp(what, "text") == 0)
		rc = label_text(cli->args[1], cli_opt(cli, "datamatrix") != NULL, &o, path, err,
				sizeof err);
	else
		rc = label_sheet(&o, path, err, sizeof err);
	store_close(store);
	if (rc != 0)
		return cli_fail("%s", err);
	cli_printf(_("label written to %s\n"), path);
	int module = label_module_dots(&o);
	if (module > 0)
		/* The rounding, for whoever sets a printer up. */
		printf(_("Code 128 module: %d dots = %.3f mm at %d dpi\n"), module,
		       module * 25.4 / o.dpi, o.dpi);
	if (cli_opt(cli, "print") != NULL) {
		if (label_print(path, &o, err, sizeof err) != 0)
			return cli_fail("%s", err);
		cli_printf(_("%s sent to the printer\n"), path);
	}
	return CLI_OK;
usage:
	store_close(store);
	return cli_usage_error(cli_current_verb,
			       _("--width-mm is 10 to 300, --height-mm 8 to 400, --dpi 100 to 1200, "
				 "--module-mm 0.1 to 2"));
}
