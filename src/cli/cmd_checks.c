/*
 * cmd_checks.c - STUB: `svmcheck checks` is not written yet.
 */
#include <stdio.h>

#include "cli/cli.h"

int cmd_checks(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "svmcheck: 'checks' is not implemented yet\n");
	return EXIT_TROUBLE;
}
