/*
 * cmd_inspect.c - STUB: `svmcheck inspect` is not written yet.
 */
#include <stdio.h>

#include "cli/cli.h"

int cmd_inspect(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "svmcheck: 'inspect' is not implemented yet\n");
	return EXIT_TROUBLE;
}
