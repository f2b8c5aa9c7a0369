#!/usr/bin/env bash
# Installs what the supabase-js suite (tests/js, run by tests/gateway/test_supabase_js.py) needs:
# node 20+ and npm from Debian when missing, then exactly the packages of package-lock.json.
# `make test` runs it only when package.json or package-lock.json changed or nothing is installed.
set -euo pipefail
cd "$(dirname "$0")"

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    if [ "$(id -u)" -ne 0 ]; then
        echo "js setup: node and npm are missing; run as root or install nodejs and npm" >&2
        exit 1
    fi
    echo "js setup: installing nodejs npm"
    export DEBIAN_FRONTEND=noninteractive
    apt-get -o DPkg::Lock::Timeout=300 update -qq
    apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends nodejs npm >/dev/null
fi
major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$major" -lt 20 ]; then
    echo "js setup: node $(node --version) is too old; supabase-js needs node 20 or later" >&2
    exit 1
fi
# npm's chatter goes to a log, shown only on failure.
if ! npm ci --no-audit --no-fund --loglevel=error >.npm-install.log 2>&1; then
    cat .npm-install.log >&2
    echo "js setup: npm ci failed (log above, also in tests/js/.npm-install.log)" >&2
    exit 1
fi
echo "js setup: ready"
