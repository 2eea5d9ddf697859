// SPDX-License-Identifier: Apache-2.0
/* remora - settings file: the same flags as the command line, one per line
 *
 *   # comment
 *   address = 10.0.1.23
 *   enclave-ports = 80,443,1024-61439
 *   setup-net
 *
 * A key is a long option's name without "--"; a flag that takes no value is
 * written alone (or "= yes"; "= no" leaves it out). The file's flags are put
 * before the command line's, so a flag given on the command line wins. Keys
 * read by another program from the same file (the rules script's) are named
 * in an ignore list; any other unknown key is an error, so a typo is never
 * silently a default.
 *
 * A program with an "enclave" option (remora-host) also takes sections:
 *
 *   [enclave web]
 *   address = 10.0.1.50
 *
 * is "--enclave web --address 10.0.1.50": what follows the heading is that
 * enclave's. The command line's flags go before the file's first section,
 * so that they too are defaults of every enclave, not the last one's.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "remora/config.h"
#include "remora/opts.h"

static char *config_trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t' || *s == '\r')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
		*--e = '\0';
	return s;
}

static const struct option *config_find(const struct option *longopts,
					const char *key)
{
	const struct option *o;

	for (o = longopts; o->name; o++)
		if (!strcmp(o->name, key))
			return o;
	return NULL;
}

static int config_ignored(const char *const *ignore, const char *key)
{
	for (; ignore && *ignore; ignore++)
		if (!strcmp(*ignore, key))
			return 1;
	return 0;
}

/* Flags that make no sense in a settings file */
static int config_refused(const char *key)
{
	static const char *const refused[] = {"config", "help", "version",
					      "stats", NULL};

	return config_ignored(refused, key);
}

/**
 * config_parse_text() - turn a settings file's text into arguments
 * @text:	the file's text, NUL-terminated; modified in place, and the
 *		arguments point into it
 * @longopts:	the program's options
 * @ignore:	keys that belong to another program, NULL-terminated, or NULL
 * @out:	arguments: "--key" (in @keys) and, for a flag with a value, the
 *		value (in @text)
 * @keys:	storage of the "--key" strings
 * @keys_len:	its size: strlen(@text) + 3 * @max is always enough
 * @max:	room in @out
 * @err:	message on failure, "line N: ..."
 * @errlen:	size of @err
 *
 * Return: number of arguments written, or -1 with @err set
 */
int config_parse_text(char *text, const struct option *longopts,
		      const char *const *ignore, char **out, int max,
		      char *keys, size_t keys_len, char *err, size_t errlen)
{
	char *line = text, *next, *key, *val, *eq, *flag;
	const struct option *o;
	int n = 0, lineno = 0;
	size_t klen, used = 0;

	for (; line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		lineno++;
		key = config_trim(line);
		if (!*key || *key == '#')
			continue;
		if (*key == '[') {
			/* "[enclave NAME]": the key "enclave", NAME its value */
			size_t kl = strlen(key);

			if (kl < 3 || key[kl - 1] != ']' ||
			    strncmp(key, "[enclave", 8) ||
			    (key[8] != ' ' && key[8] != '\t') ||
			    !config_find(longopts, "enclave")) {
				snprintf(
					err, errlen,
					"line %d: unknown section '%s' (only [enclave NAME], in remora-host's settings)",
					lineno, key);
				return -1;
			}
			key[kl - 1] = '\0';
			val = config_trim(key + 9);
			key[8] = '\0';
			key++;
			if (!*val || strpbrk(val, " \t")) {
				snprintf(
					err, errlen,
					"line %d: a section is '[enclave NAME]', NAME one word",
					lineno);
				return -1;
			}
			goto add;
		}
		val = NULL;
		eq = strchr(key, '=');
		if (eq) {
			*eq = '\0';
			val = config_trim(eq + 1);
			key = config_trim(key);
		} else if (strpbrk(key, " \t")) {
			snprintf(err, errlen,
				 "line %d: expected 'key = value', got '%s'",
				 lineno, key);
			return -1;
		}
		if (config_ignored(ignore, key))
			continue;
		o = config_find(longopts, key);
		if (!o || config_refused(key)) {
			snprintf(err, errlen, "line %d: unknown setting '%s'",
				 lineno, key);
			return -1;
		}
		if (o->has_arg == no_argument) {
			if (val && !strcmp(val, "no"))
				continue;
			if (val && *val && strcmp(val, "yes")) {
				snprintf(
					err, errlen,
					"line %d: '%s' takes no value (write it alone, or '= yes' or '= no')",
					lineno, key);
				return -1;
			}
			val = NULL;
		} else if (!val || !*val) {
			snprintf(err, errlen, "line %d: '%s' needs a value",
				 lineno, key);
			return -1;
		}
	add:
		if (n + 2 > max) {
			snprintf(err, errlen, "line %d: too many settings",
				 lineno);
			return -1;
		}
		klen = strlen(key);
		if (used + klen + 3 > keys_len) {
			snprintf(err, errlen, "line %d: too many settings",
				 lineno);
			return -1;
		}
		flag = keys + used;
		used += klen + 3;
		flag[0] = '-';
		flag[1] = '-';
		memcpy(flag + 2, key, klen + 1);
		out[n++] = flag;
		if (val)
			out[n++] = val;
	}
	return n;
}

/* Read a whole small file, NUL-terminated */
static char *config_read(const char *path, char *err, size_t errlen)
{
	struct stat st;
	char *buf;
	ssize_t r;
	size_t len = 0;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st)) {
		snprintf(err, errlen, "%s", strerror(errno));
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	if (!S_ISREG(st.st_mode) || st.st_size > CONFIG_MAX_BYTES) {
		snprintf(err, errlen, "not a regular file of at most %d bytes",
			 CONFIG_MAX_BYTES);
		close(fd);
		return NULL;
	}
	buf = calloc(1, (size_t)st.st_size + 1);
	if (!buf) {
		snprintf(err, errlen, "out of memory");
		close(fd);
		return NULL;
	}
	while (len < (size_t)st.st_size) {
		r = read(fd, buf + len, (size_t)st.st_size - len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		len += (size_t)r;
	}
	close(fd);
	buf[len] = '\0';
	return buf;
}

/**
 * config_expand() - put a settings file's flags before the command line's
 * @argc:	argument count, replaced when --config is given
 * @argv:	arguments, replaced when --config is given
 * @longopts:	the program's options (one of them is "config")
 * @ignore:	keys read by another program, NULL-terminated, or NULL
 *
 * Looks for "--config FILE" or "--config=FILE" before any "--". A file that
 * cannot be read or holds a bad line exits 2 saying which line. Start-up
 * only: the new arguments live until exit.
 */
void config_expand(int *argc, char ***argv, const struct option *longopts,
		   const char *const *ignore)
{
	static char **nargv, *text, *keys; /* kept until exit */
	char err[256], *path = NULL;
	size_t keys_len;
	int i, n, at = -1, skip = 0, k, f;

	for (i = 1; i < *argc; i++) {
		const char *a = (*argv)[i];

		if (!strcmp(a, "--"))
			break;
		if (!strcmp(a, "--config")) {
			if (i + 1 >= *argc)
				opts_usage_error(
					"option '--config' needs a value");
			path = (*argv)[i + 1];
			at = i;
			skip = 2;
		} else if (!strncmp(a, "--config=", 9)) {
			path = (*argv)[i] + 9;
			at = i;
			skip = 1;
		}
	}
	if (!path)
		return;
	text = config_read(path, err, sizeof(err));
	if (!text)
		opts_usage_error("--config: cannot read %s: %s", path, err);
	nargv = calloc((size_t)*argc + CONFIG_MAX_ARGS + 1, sizeof(*nargv));
	keys_len = strlen(text) + 3 * CONFIG_MAX_ARGS;
	keys = malloc(keys_len);
	if (!nargv || !keys) {
		opts_usage_error("--config: out of memory");
		return; /* not reached: for analysers that miss noreturn */
	}
	nargv[0] = (*argv)[0];
	n = config_parse_text(text, longopts, ignore, nargv + 1,
			      CONFIG_MAX_ARGS, keys, keys_len, err,
			      sizeof(err));
	if (n <= 0) {
		/* nothing points into the keys: free them (and on error, all) */
		free(keys);
		keys = NULL;
	}
	if (n < 0) {
		free(nargv);
		free(text);
		opts_usage_error("--config: %s: %s", path, err);
	}
	/* the file's flags, the command line's before its first section */
	for (f = 1; f <= n && strcmp(nargv[f], "--enclave"); f++)
		;
	memmove(nargv + f + (*argc - 1 - skip), nargv + f,
		(size_t)(n + 1 - f) * sizeof(*nargv));
	k = f;
	for (i = 1; i < *argc; i++) {
		if (i >= at && i < at + skip)
			continue;
		nargv[k++] = (*argv)[i];
	}
	k = n + 1 + (*argc - 1 - skip);
	nargv[k] = NULL;
	*argc = k;
	*argv = nargv;
}
