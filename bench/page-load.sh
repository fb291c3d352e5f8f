#!/usr/bin/env bash
# How fast the pages load (BENCHMARKS.md, "The pages"): a Release server on a fresh temporary data folder, then
# Chromium (Debian's, driven by the Playwright driver that the test project's build carries) loads / and /dashboard
# RUNS times each with an empty cache and RUNS times with the files cached.
#   bench/page-load.sh [RUNS]     (default 21)
# Only the server this script starts is stopped, by its pid; the temporary folder is deleted.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-21}
port=${PROMPTLY_BENCH_PORT:-5083}
url=http://127.0.0.1:$port
work=$(mktemp -d /tmp/promptly-page-load.XXXXXX)

source bench/server.sh
trap 'stop_server; rm -rf "$work"' EXIT

command -v chromium >/dev/null || { echo "needs Debian's chromium (apt-get install chromium)" >&2; exit 2; }
dotnet build -c Release src/Promptly >/dev/null
dotnet build tests/Promptly.Tests >/dev/null
playwright=tests/Promptly.Tests/bin/Debug/net10.0/.playwright

start_server "$work" "$url" "$work/server.log"
echo "== page load, $runs runs each (Chromium's navigation timing: request start to the end of the load event)"
"$playwright/node/linux-x64/node" bench/page-load.mjs "$PWD/$playwright/package" "$url" "$runs"
