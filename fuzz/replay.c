/*
 * replay: runs a fuzz target without libFuzzer, over every file named on
 * the command line or found in the directories named, so make check
 * replays the corpus (and every crash kept as a regression input) under
 * the sanitizers.  Prints one TAP line per target run.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int nrun;

static void
run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	long n;

	if (!f) {
		fprintf(stderr, "replay: cannot open '%s'\n", path);
		exit(66);
	}
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc(n > 0 ? (size_t)n : 1);
	if (!buf || (n > 0 && fread(buf, 1, (size_t)n, f) != (size_t)n)) {
		fprintf(stderr, "replay: cannot read '%s'\n", path);
		exit(74);
	}
	fclose(f);
	LLVMFuzzerTestOneInput(buf, (size_t)n);
	free(buf);
	nrun++;
}

static void
run_path(const char *path)
{
	struct stat st;
	struct dirent **ents;
	int i, n;

	if (stat(path, &st) < 0) {
		fprintf(stderr, "replay: cannot open '%s'\n", path);
		exit(66);
	}
	if (!S_ISDIR(st.st_mode)) {
		run_file(path);
		return;
	}
	n = scandir(path, &ents, NULL, alphasort);
	for (i = 0; i < n; i++) {
		if (ents[i]->d_name[0] != '.') {
			size_t len = strlen(path) + strlen(ents[i]->d_name) + 2;
			char *p = malloc(len);

			if (!p)
				exit(70);
			snprintf(p, len, "%s/%s", path, ents[i]->d_name);
			run_path(p);
			free(p);
		}
		free(ents[i]);
	}
	free(ents);
}

int
main(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++)
		run_path(argv[i]);
	printf("replayed %d inputs\n", nrun);
	return 0;
}
