#!/usr/bin/env bash
# The load runs of BENCHMARKS.md ("Load runs (issue #4)"), end to end on this machine:
#   bench/load.sh [normal|peak|stress|capacity ...]      (default: all four)
# builds Release, starts the server as the README does on a fresh data folder, and runs `promptly load` against it:
#   normal    the default phases (warm-up 10 s at 10/s, sustained 30 s at 50/s, peak 10 s at 100/s)
#   peak      a short warm-up, then 30 s at 1,000/s
#   stress    steps of 1,000/s, 5 s each, until a scenario's p95 is over 2,000 ms (the server's budget) or errors appear
#   capacity  the generator alone: `promptly load --fake-server` in a second process, loaded at 20,000/s (open) and
#             with 64 connections (closed)
# Every run stops by itself; results (JSON and Markdown) and logs go to a temporary folder, printed at the end.
# Only the processes this script starts are stopped, by their pid.
set -euo pipefail
cd "$(dirname "$0")/.."
port=${PROMPTLY_LOAD_PORT:-5180}
fake_port=$((port + 1))
url=http://127.0.0.1:$port
work=$(mktemp -d /tmp/promptly-load.XXXXXX)
runs=("$@")
[[ ${#runs[@]} -gt 0 ]] || runs=(normal peak stress capacity)
fake_pid=

promptly() { dotnet "$server_dll" "$@"; }

source bench/server.sh
cleanup() { stop_server; stop "$fake_pid"; }
trap cleanup EXIT

run() {
    local name=$1
    shift
    echo "== $name: promptly load $*"
    promptly load "$@" --output "$work/$name.json" | grep -v -E '^(warm-up|sustained|peak|step-[0-9]+|capacity|closed) '
}

dotnet build -c Release src/Promptly >/dev/null
for r in "${runs[@]}"; do
    case $r in
        normal)
            [[ -n "$server_pid" ]] || start_server "$work/data" "$url" "$work/server.log"
            run normal "$url" ;;
        peak)
            [[ -n "$server_pid" ]] || start_server "$work/data" "$url" "$work/server.log"
            run peak "$url" --phases "warm-up:5s@100,peak:30s@1000" ;;
        stress)
            [[ -n "$server_pid" ]] || start_server "$work/data" "$url" "$work/server.log"
            run stress "$url" --stress --start-rate 1000 --step-rate 1000 --step-duration 5s --max-rate 20000 --p95-budget-ms 2000 ;;
        capacity)
            stop_server
            must_be_free "http://127.0.0.1:$fake_port"
            promptly load --fake-server "$fake_port" --duration 5m >"$work/fake.log" 2>&1 &
            fake_pid=$!
            wait_for "http://127.0.0.1:$fake_port"
            run capacity-open "http://127.0.0.1:$fake_port" --phases "capacity:20s@20000" --no-cross-check
            run capacity-closed "http://127.0.0.1:$fake_port" --connections 64 --duration 20s --no-cross-check
            stop "$fake_pid"; fake_pid= ;;
        *) echo "unknown run '$r': normal, peak, stress or capacity" >&2; exit 1 ;;
    esac
done
echo "(results and logs in $work)"
