#!/bin/sh
# Debian packages the test suite needs: Chromium for the browser tests, PostgreSQL for the
# database tests. Installed only when missing; never a browser download at run time.
set -eu
need=""
[ -x /usr/bin/chromium ] || need="$need chromium fonts-liberation fonts-dejavu-core"
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need="$need postgresql"
[ -z "$need" ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing Debian packages:$need"
    apt-get update -qq
    # shellcheck disable=SC2086
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $need >/dev/null
else
    echo "Missing Debian packages:$need. Install them as root: apt-get install$need" >&2
    exit 1
fi
