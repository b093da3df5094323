/*
 * cmd_vectors.c - STUB: `svmcheck vectors` is not written yet.
 */
#include <stdio.h>

#include "cli/cli.h"

int cmd_vectors(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "svmcheck: 'vectors' is not implemented yet\n");
	return EXIT_TROUBLE;
}
