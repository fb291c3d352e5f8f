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
server_pid=
fake_pid=

dll=src/Promptly/bin/Release/net10.0/Promptly.dll
promptly() { dotnet "$dll" "$@"; }

stop() {
    local pid=$1
    if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then kill "$pid"; wait "$pid" 2>/dev/null || true; fi
}
cleanup() { stop "$server_pid"; stop "$fake_pid"; }
trap cleanup EXIT

# A server left on the port would be measured instead of the one this script starts.
must_be_free() {
    if curl -sf "$1/health" >/dev/null; then echo "something already answers at $1; choose another PROMPTLY_LOAD_PORT" >&2; exit 2; fi
}

wait_for() {
    for _ in $(seq 1 100); do
        curl -sf "$1/health" >/dev/null && return 0
        sleep 0.1
    done
    echo "nothing answers at $1; see $work" >&2
    exit 2
}

start_server() {
    must_be_free "$url"
    # dotnet itself in the background (not a shell function), so $! is the process to stop.
    Storage__DataFolder="$work/data" dotnet "$dll" --urls "$url" >>"$work/server.log" 2>&1 &
    server_pid=$!
    wait_for "$url"
}

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
            [[ -n "$server_pid" ]] || start_server
            run normal "$url" ;;
        peak)
            [[ -n "$server_pid" ]] || start_server
            run peak "$url" --phases "warm-up:5s@100,peak:30s@1000" ;;
        stress)
            [[ -n "$server_pid" ]] || start_server
            run stress "$url" --stress --start-rate 1000 --step-rate 1000 --step-duration 5s --max-rate 20000 --p95-budget-ms 2000 ;;
        capacity)
            stop "$server_pid"; server_pid=
            must_be_free "http://127.0.0.1:$fake_port"
            dotnet "$dll" load --fake-server "$fake_port" --duration 5m >"$work/fake.log" 2>&1 &
            fake_pid=$!
            wait_for "http://127.0.0.1:$fake_port"
            run capacity-open "http://127.0.0.1:$fake_port" --phases "capacity:20s@20000" --no-cross-check
            run capacity-closed "http://127.0.0.1:$fake_port" --connections 64 --duration 20s --no-cross-check
            stop "$fake_pid"; fake_pid= ;;
        *) echo "unknown run '$r': normal, peak, stress or capacity" >&2; exit 1 ;;
    esac
done
echo "(results and logs in $work)"
