/* SPDX-License-Identifier: Apache-2.0 */
/* remora - `--stats`: a running daemon's report, read from its control
 * socket */
#ifndef REMORA_QUERY_H
#define REMORA_QUERY_H

#include <stdio.h>

int query_report(const char *path, const char *prog, FILE *out);

#endif /* REMORA_QUERY_H */
