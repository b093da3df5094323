/*
 * cmd_matrix.c - STUB: `svmcheck matrix` is not written yet.
 */
#include <stdio.h>

#include "cli/cli.h"

int cmd_matrix(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "svmcheck: 'matrix' is not implemented yet\n");
	return EXIT_TROUBLE;
}
