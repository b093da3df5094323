/*
 * cmd_replay.c - STUB: `svmcheck replay` is not written yet.
 */
#include <stdio.h>

#include "cli/cli.h"

int cmd_replay(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "svmcheck: 'replay' is not implemented yet\n");
	return EXIT_TROUBLE;
}
