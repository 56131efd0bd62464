/*
 * soc-corr-schema: correlate.db's schema as it stood at an earlier
 * version, from soc-correlate's own migration steps (cmd/soc-correlate/
 * schema.c), so a test can build a database the previous release wrote
 * and check that the current one upgrades it.
 *   soc-corr-schema N    steps 1..N as SQL, then PRAGMA user_version=N
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern const char *const corr_migrations[];
extern const int corr_nmigrations;

int
main(int argc, char **argv)
{
	char *end;
	long n;
	int i;

	if (argc != 2 || (n = strtol(argv[1], &end, 10), *end) || n < 1 ||
	    n > corr_nmigrations) {
		fprintf(stderr, "usage: soc-corr-schema N (1 to %d)\n",
		    corr_nmigrations);
		return 64;
	}
	for (i = 0; i < n; i++)
		printf("%s\n", corr_migrations[i]);
	printf("PRAGMA user_version=%ld;\n", n);
	if (fflush(stdout) != 0 || ferror(stdout))
		return 74;
	return 0;
}
