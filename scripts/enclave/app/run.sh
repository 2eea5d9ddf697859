#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The example application: a web server on port 443 of the enclave's public
# interface (plain HTTP, to keep the example small: a real application
# terminates TLS inside the enclave). remora-enclave starts it once the
# network is up and passes SIGTERM on to it.
cd "$(dirname "$0")" && exec python3 -m http.server "${APP_PORT:-443}" --directory www
