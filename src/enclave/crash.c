// SPDX-License-Identifier: Apache-2.0
/* remora-enclave - its own crash, said loudly
 *
 * As PID 2 of an enclave with no console to speak of, remora-enclave
 * crashing takes the enclave's network with it: one FATAL line says so
 * before the signal does what it did before (ASan's report, a core dump).
 */

#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "crash.h"
#include "remora/sigsafe.h"

static struct sigaction crash_saved[32];

/**
 * crash_text() - the line remora-enclave prints when it crashes
 * @sig:	the fatal signal
 * @pid:	remora-enclave's process id
 * @buf:	where the line goes (not NUL-terminated)
 * @cap:	its size: a line that does not fit is cut
 *
 * Async-signal-safe: no allocation, no stdio, no locale.
 *
 * Return: its length
 */
size_t crash_text(int sig, long pid, char *buf, size_t cap)
{
	size_t n = 0;

	n = sigsafe_put_str(buf, n, cap,
			    "remora-enclave: FATAL: crashed with signal ");
	n = sigsafe_put_num(buf, n, cap, sig > 0 ? sig : 0);
	n = sigsafe_put_str(buf, n, cap, " (pid ");
	n = sigsafe_put_num(buf, n, cap, pid > 0 ? pid : 0);
	return sigsafe_put_str(buf, n, cap, "); the enclave has no network\n");
}

/* Say loudly that remora-enclave crashed, then let the signal do what it
 * did before (ASan's report, a core dump): async-signal-safe calls only */
static void crash_signal(int sig)
{
	char line[128];
	size_t n = crash_text(sig, (long)getpid(), line, sizeof(line));

	if (write(STDERR_FILENO, line, n) < 0) {
		/* nothing more can be done */
	}
	if (sig > 0 &&
	    sig < (int)(sizeof(crash_saved) / sizeof(crash_saved[0])))
		sigaction(sig, &crash_saved[sig], NULL);
	raise(sig);
}

/**
 * crash_handlers() - log a crash of remora-enclave itself loudly
 *
 * SIGSEGV, SIGBUS, SIGILL, SIGFPE and SIGABRT print one FATAL line, then
 * take their previous action.
 */
void crash_handlers(void)
{
	static const int sigs[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT};
	struct sigaction sa;
	size_t i;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = crash_signal;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, &crash_saved[sigs[i]]);
}
