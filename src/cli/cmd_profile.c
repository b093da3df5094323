/*
 * cmd_profile.c - STUB: `svmcheck profile` is not written yet.
 */
#include <stdio.h>

#include "cli/cli.h"

int cmd_profile(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "svmcheck: 'profile' is not implemented yet\n");
	return EXIT_TROUBLE;
}
