/*
 * main.c — hmc's entry point: the language, then the command line, which
 * opens the screens when no verb is given.
 */
#include "hmc/i18n.h"

int cli_main(int argc, char **argv);

int
main(int argc, char **argv)
{
	i18n_init();
	return cli_main(argc, argv);
}
