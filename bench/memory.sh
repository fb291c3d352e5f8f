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
server_pid=

stop_server() {
    if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; fi
    server_pid=
}
trap stop_server EXIT

dotnet build -c Release bench/Promptly.MemoryCheck >/dev/null
dotnet build -c Release src/Promptly >/dev/null
# Another server on the port would answer the health check and be measured instead of ours.
if curl -s -o /dev/null "$url/health"; then echo "port $port is in use; set PROMPTLY_MEMORY_PORT" >&2; exit 2; fi
Storage__DataFolder="$work/data" Diagnostics__MemoryEndpoint=true \
    dotnet src/Promptly/bin/Release/net10.0/Promptly.dll --urls "$url" >>"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 100); do
    kill -0 "$server_pid" 2>/dev/null || { echo "server exited; see $work/server.log" >&2; exit 2; }
    curl -sf "$url/health" >/dev/null && break
    sleep 0.1
done
curl -sf "$url/health" >/dev/null || { echo "server did not start; see $work/server.log" >&2; exit 2; }

status=0
dotnet bench/Promptly.MemoryCheck/bin/Release/net10.0/Promptly.MemoryCheck.dll \
    --server "$url" --pid "$server_pid" --turns "$turns" --clients "$clients" --sample-every 1000 --warmup 2000 || status=$?
echo "(data and server log in $work)"
exit "$status"
