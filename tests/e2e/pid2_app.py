#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""The application of the PID 2 test, started by remora-enclave.

    pid2_app.py DIR NET_URL PORT

At start it fetches NET_URL (outbound, through remora) into DIR/fetched,
then serves DIR/blob over HTTP on PORT (inbound). On SIGTERM it writes
DIR/got-sigterm and exits with status 42.
"""
import http.server
import os
import signal
import sys
import urllib.request

d, url, port = sys.argv[1], sys.argv[2], int(sys.argv[3])


def term(signum, frame):
    with open(os.path.join(d, "got-sigterm"), "w") as f:
        f.write("SIGTERM\n")
    os._exit(42)


signal.signal(signal.SIGTERM, term)
with open(os.path.join(d, "app-pid"), "w") as f:
    f.write("%d %d\n" % (os.getpid(), os.getppid()))
try:
    data = urllib.request.urlopen(url, timeout=20).read()
    with open(os.path.join(d, "fetched"), "wb") as f:
        f.write(data)
except OSError as e:
    with open(os.path.join(d, "fetch-error"), "w") as f:
        f.write(str(e))
os.chdir(d)


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *a):
        pass


http.server.HTTPServer(("0.0.0.0", port), Quiet).serve_forever()
