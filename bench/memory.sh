#!/usr/bin/env bash
# The memory check of BENCHMARKS.md, end to end on this machine:
#   bench/memory.sh [turns] [clients]          (defaults: 10000 turns, 4 clients)
# builds Release, starts the server on a fresh data folder with GET /api/diagnostics/memory enabled, runs the turns
# and samples the server's managed heap (after a forced full GC), VmRSS, threads, timers, open files and cached
# sessions every 1,000 turns. Exits 1 when the managed heap grows by 1 MB or more per 1,000 turns after the
# 2,000-turn warm-up, or a count keeps rising. Only the server this script starts is stopped, by its pid.
set -euo pipefail
cd "$(dirname "$0")/.."
turns=${1:-10000}
clients=${2:-4}
port=${PROMPTLY_MEMORY_PORT:-5087}
url=http://127.0.0.1:$port
work=$(mktemp -d /tmp/promptly-memory.XXXXXX)
source bench/server.sh

trap stop_server EXIT

dotnet build -c Release bench/Promptly.MemoryCheck >/dev/null
dotnet build -c Release src/Promptly >/dev/null
start_server "$work/data" "$url" "$work/server.log" Diagnostics__MemoryEndpoint=true

status=0
dotnet bench/Promptly.MemoryCheck/bin/Release/net10.0/Promptly.MemoryCheck.dll \
    --server "$url" --pid "$server_pid" --turns "$turns" --clients "$clients" --sample-every 1000 --warmup 2000 || status=$?
echo "(data and server log in $work)"
exit "$status"
