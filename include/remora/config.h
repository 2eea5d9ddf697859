/* SPDX-License-Identifier: Apache-2.0 */
/* remora - settings file: the same flags as the command line, one per line */
#ifndef REMORA_CONFIG_H
#define REMORA_CONFIG_H

#include <getopt.h>
#include <stddef.h>

#define CONFIG_MAX_BYTES (64 << 10) /* a settings file is small */
#define CONFIG_MAX_ARGS	 512

int config_parse_text(char *text, const struct option *longopts,
		      const char *const *ignore, char **out, int max,
		      char *keys, size_t keys_len, char *err, size_t errlen);
void config_expand(int *argc, char ***argv, const struct option *longopts,
		   const char *const *ignore);

#endif /* REMORA_CONFIG_H */
