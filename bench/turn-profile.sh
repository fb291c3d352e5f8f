#!/usr/bin/env bash
# Where a turn's server CPU goes (issue 11, BENCHMARKS.md "Turn cost"): starts a Release server of TREE on a fresh data
# folder, drives turns at 64 connections, records the server with `perf record -g` for 10 s in the middle of the
# load, and sorts every sample into the categories of bench/turn-profile.py.
#   bench/turn-profile.sh [TREE] [seconds recorded] [PATH]   TREE defaults to this checkout
# With PATH (say /nope), the load is the driver's calibration run of GET PATH instead of turns: where an empty request's
# CPU goes.
# JIT'd code is named through the runtime's perf map (DOTNET_PerfMapEnabled=1); W^X off and ReadyToRun off so every
# hot method is jitted and named. Needs perf (linux-perf) and permission to record the server (root here).
set -euo pipefail
cd "$(dirname "$0")/.."
tree=$(cd "${1:-.}" && pwd)
record=${2:-10}
calibrate=(); [[ -n ${3:-} ]] && calibrate=(--calibrate "$3")
port=${PROMPTLY_BENCH_PORT:-5081}
url=http://127.0.0.1:$port
work=$(mktemp -d /tmp/promptly-turn-profile.XXXXXX)
source bench/server.sh
trap stop_server EXIT

build_tree "$tree"
start_server "$work/data" "$url" "$work/server.log" DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0 DOTNET_ReadyToRun=0
dotnet "$driver" --server "$url" "${calibrate[@]}" --connections 64 --warmup 20 --duration $((record + 4)) >"$work/load.txt" 2>&1 &
load_pid=$!
sleep 22
perf record -F 999 -g -p "$server_pid" -o "$work/perf.data" -- sleep "$record" 2>/dev/null
wait "$load_pid" || true
cat "$work/load.txt"
perf script -i "$work/perf.data" 2>/dev/null >"$work/perf.txt"
stop_server
python3 bench/turn-profile.py "$work/perf.txt"
echo "(perf data in $work)"
