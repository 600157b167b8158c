#!/bin/sh
# Debian's python3 ships without venv/ensurepip: install python3-venv when it is missing.
set -eu
PYTHON="${1:-python3}"
if "$PYTHON" -c 'import venv, ensurepip' 2>/dev/null; then
    exit 0
fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null
else
    echo "Python's venv module is missing: install python3-venv (apt-get install python3-venv)." >&2
    exit 1
fi
