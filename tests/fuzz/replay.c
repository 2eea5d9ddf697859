// SPDX-License-Identifier: Apache-2.0
/* remora - replay fuzz inputs through a fuzz target, without libFuzzer
 *
 *   replay_TARGET FILE|DIR...
 *
 * Runs every file given (and every file in every directory given) through
 * LLVMFuzzerTestOneInput(), so the seed corpus and the inputs of past
 * findings are regression tests in every build, sanitizers included. A
 * breach aborts; a missing path is an error.
 */

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define REPLAY_MAX (1 << 20) /* bytes of one input */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int replay_file(const char *path, uint8_t *buf)
{
	FILE *f = fopen(path, "rb");
	size_t n;

	if (!f) {
		perror(path);
		return -1;
	}
	n = fread(buf, 1, REPLAY_MAX, f);
	fclose(f);
	/* a copy of exactly the input's size, so overreads are caught */
	{
		uint8_t *in = malloc(n ? n : 1);

		if (!in)
			return -1;
		memcpy(in, buf, n);
		LLVMFuzzerTestOneInput(in, n);
		free(in);
	}
	return 0;
}

int main(int argc, char **argv)
{
	static uint8_t buf[REPLAY_MAX];
	char path[4096];
	struct dirent *de;
	struct stat st;
	int i, count = 0;
	DIR *d;

	for (i = 1; i < argc; i++) {
		if (stat(argv[i], &st)) {
			perror(argv[i]);
			return 1;
		}
		if (!S_ISDIR(st.st_mode)) {
			if (replay_file(argv[i], buf))
				return 1;
			count++;
			continue;
		}
		d = opendir(argv[i]);
		if (!d) {
			perror(argv[i]);
			return 1;
		}
		while ((de = readdir(d))) {
			if (de->d_name[0] == '.')
				continue;
			snprintf(path, sizeof(path), "%s/%s", argv[i],
				 de->d_name);
			if (replay_file(path, buf)) {
				closedir(d);
				return 1;
			}
			count++;
		}
		closedir(d);
	}
	printf("%d inputs replayed, none breached a check\n", count);
	return count ? 0 : 1;
}
