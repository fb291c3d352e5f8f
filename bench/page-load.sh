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
source bench/browser.sh
trap 'stop_server; rm -rf "$work"' EXIT
prepare_browser

start_server "$work" "$url" "$work/server.log"
echo "== page load, $runs runs each (Chromium's navigation timing: request start to the end of the load event)"
browser_node bench/page-load.mjs "$url" "$runs"
