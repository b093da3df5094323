/*
 * cmd_migrate.c - STUB: `svmcheck migrate` is not written yet.
 */
#include <stdio.h>

#include "cli/cli.h"

int cmd_migrate(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "svmcheck: 'migrate' is not implemented yet\n");
	return EXIT_TROUBLE;
}
