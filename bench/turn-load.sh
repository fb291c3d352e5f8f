#!/usr/bin/env bash
# The turn-throughput benchmark of BENCHMARKS.md, end to end on this machine:
#   bench/turn-load.sh [runs] [seconds] [connections] [sqlite|postgres]
# builds Release, starts the server on a fresh data folder (and, with postgres, on a throwaway PostgreSQL cluster of
# its own, bench/postgres.sh), runs the load driver `runs` times, then kills the server with SIGKILL in the middle of one
# more run, restarts it and checks that every acknowledged turn was stored.
# Only the processes this script starts are stopped, by their pid.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
seconds=${2:-20}
connections=${3:-64}
store=${4:-sqlite}
port=${PROMPTLY_BENCH_PORT:-5080}
url=http://127.0.0.1:$port
work=$(mktemp -d /tmp/promptly-turn-load.XXXXXX)
source bench/server.sh
source bench/postgres.sh

trap 'stop_server; stop_postgres' EXIT
storage=()
case $store in
    sqlite) ;;
    postgres)
        start_postgres
        storage=(Storage__Provider=postgres "Storage__ConnectionString=$postgres_connection")
        ;;
    *) echo "the store is sqlite or postgres, not '$store'" >&2; exit 2 ;;
esac

load() { dotnet "$driver" --server "$url" "$@"; }

build_tree .
start_server "$work/data" "$url" "$work/server.log" "${storage[@]}"
for run in $(seq 1 "$runs"); do
    echo "== run $run of $runs: $connections connections, ${seconds}s"
    load --connections "$connections" --duration "$seconds" --warmup 5
done

echo "== crash run: SIGKILL to the server after 8 s of load"
load --connections "$connections" --duration 10 --warmup 2 --acks "$work/acks.json" >"$work/crash-run.txt" 2>&1 &
load_pid=$!
sleep 8
kill -9 "$server_pid"
wait "$server_pid" 2>/dev/null || true
server_pid=
wait "$load_pid" || true
grep -E '^(turns|errors|acknowledged)' "$work/crash-run.txt"
start_server "$work/data" "$url" "$work/server.log" "${storage[@]}"
load --verify "$work/acks.json"
echo "(data and logs in $work)"
