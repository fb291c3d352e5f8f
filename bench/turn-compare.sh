#!/usr/bin/env bash
# Turn cost of two builds on this machine, measured in one run so that machine speed and neighbours' load cancel out
# (issue 11, BENCHMARKS.md "Turn cost"):
#   bench/turn-compare.sh OLD_TREE [rounds] [seconds]
# OLD_TREE is another checkout of the repository (e.g. `git worktree add /work/perf-before a6d5ecf`). Both are built
# in Release, both servers run side by side on fresh data folders (ports 5080 and 5081) and are driven by this tree's
# load driver, one at a time. Each round measures each build, in alternating order (old-new, new-old, ...):
#   calibration  GET /nope (a 404: routing only) at 64 connections, requests/s: run before the turns and again after
#                them, and the two runs' mean taken, so that a busy moment of the shared machine during one of them
#                moves the turns/calibration ratio half as much
#   turns        POST /sessions/{id}/turns at 64 connections, turns/s and client p99
#   light load   turns at 8 connections: server overhead p99, and bytes allocated per turn (GC.GetTotalAllocatedBytes
#                read from GET /api/diagnostics/memory before and after; session starts, 1 per 20 turns, included)
#   server CPU   per 404 and per turn (user + system time from /proc/PID/stat over each run): on a machine shared with
#                other work, what a request costs the server is steadier than how many it answers per second; and per
#                turn with what the server spends after the run on the turns' account (its transcript index and rollup
#                catching up), read while it settles
# then prints each figure's median over the rounds and the ratios new/old and turns/calibration.
# Before every run both servers are left to settle (until neither uses more than 3% of a core over a second, at most
# 60 s): a server's work behind its turns would otherwise run during the next run, of either build, and be counted
# against that one.
# PROMPTLY_OLD_ENV / PROMPTLY_NEW_ENV ("NAME=value ...") add settings to one side's server, e.g. to try a runtime knob
# on the same build: bench/turn-compare.sh . 5 10 with PROMPTLY_NEW_ENV=DOTNET_TieredPGO=0.
# Only the processes this script starts are stopped, by their pid.
set -euo pipefail
cd "$(dirname "$0")/.."
old_tree=$(cd "${1:?usage: bench/turn-compare.sh OLD_TREE [rounds] [seconds]}" && pwd)
rounds=${2:-5}
seconds=${3:-10}
port=${PROMPTLY_BENCH_PORT:-5080}
work=$(mktemp -d /tmp/promptly-turn-compare.XXXXXX)
source bench/server.sh
declare -A pid url
stop_both() { for b in old new; do stop "${pid[$b]:-}"; done; }
trap stop_both EXIT

load() { local b=$1; shift; dotnet "$driver" --server "${url[$b]}" "$@"; }
allocated() { curl -sf "${auth[@]}" "${url[$1]}/api/diagnostics/memory" | sed 's/.*"total_allocated_bytes":\([0-9]*\).*/\1/'; }
# The server's CPU time so far (user + system), in clock ticks: what a run cost it, however busy the machine was.
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/${pid[$1]}/stat"; }
# Waits until both servers are idle: less than 3% of a core each over a second, or 60 s have passed.
settle() {
    local limit=$(( $(getconf CLK_TCK) * 3 / 100 + 1 )) old0 new0
    for _ in $(seq 60); do
        old0=$(cpu_ticks old) new0=$(cpu_ticks new)
        sleep 1
        (( $(cpu_ticks old) - old0 < limit && $(cpu_ticks new) - new0 < limit )) && return
    done
    return 0
}

dotnet build -c Release bench/Promptly.TurnLoad >/dev/null
dotnet build -c Release src/Promptly >/dev/null
(cd "$old_tree" && dotnet build -c Release src/Promptly >/dev/null)
declare -A dll=([old]="$old_tree/src/Promptly/bin/Release/net10.0/Promptly.dll" [new]="$PWD/src/Promptly/bin/Release/net10.0/Promptly.dll")

# Both servers run side by side for the whole comparison, each loaded in turn (an idle one costs next to nothing,
# once it has settled), so each pair of runs compared is a few seconds apart.
for b in old new; do
    server_dll=${dll[$b]}
    extra=PROMPTLY_${b^^}_ENV
    url[$b]=http://127.0.0.1:$port
    # shellcheck disable=SC2086 # the settings are words on purpose
    start_server "$work/data-$b" "${url[$b]}" "$work/server-$b.log" Diagnostics__MemoryEndpoint=true ${!extra:-}
    pid[$b]=$server_pid
    port=$((port + 1))
done
for b in old new; do load "$b" --connections 64 --warmup 0 --duration 5 >/dev/null 2>&1; done

# A calibration run's requests/s.
rate() { sed -n 's/^calibration .* = \([0-9]*\) requests.*/\1/p' "$1"; }

measure() {
    local b=$1 round=$2 out="$work/$1-$2" c0 c1 c1s c2 c2s c3 before after
    settle
    c0=$(cpu_ticks "$b")
    load "$b" --calibrate /nope --connections 64 --warmup 0 --duration "$seconds" >"$out.calibration" 2>/dev/null
    c1=$(cpu_ticks "$b")
    settle
    c1s=$(cpu_ticks "$b")
    load "$b" --connections 64 --warmup 0 --duration "$seconds" >"$out.turns64" 2>/dev/null
    c2=$(cpu_ticks "$b")
    settle
    c2s=$(cpu_ticks "$b")
    load "$b" --calibrate /nope --connections 64 --warmup 0 --duration "$seconds" >"$out.calibration-after" 2>/dev/null
    c3=$(cpu_ticks "$b")
    settle
    before=$(allocated "$b")
    load "$b" --connections 8 --warmup 0 --duration "$seconds" >"$out.turns8" 2>/dev/null
    after=$(allocated "$b")
    local calibration turns p99 overhead8 turns8 ticks
    calibration=$(( ($(rate "$out.calibration") + $(rate "$out.calibration-after")) / 2 ))
    turns=$(sed -n 's/^turns .* = \([0-9]*\) turns.*/\1/p' "$out.turns64")
    p99=$(sed -n 's/^client latency .* p99 \([0-9.]*\) .*/\1/p' "$out.turns64")
    overhead8=$(sed -n 's/^server overhead .* p99 \([0-9.]*\) .*/\1/p' "$out.turns8")
    turns8=$(sed -n 's/^turns *\([0-9]*\) in.*/\1/p' "$out.turns8")
    ticks=$(getconf CLK_TCK)
    # CPU µs per request: the run's ticks over the requests it counted (with --warmup 0 nearly all it made).
    # The memory endpoint may fail to answer under load: no figure then, rather than a made-up 0.
    local bytes=nan
    [[ $before =~ ^[0-9]+$ && $after =~ ^[0-9]+$ ]] && bytes=$(( (after - before) / turns8 ))
    echo "$b $round $calibration $turns $p99 $overhead8 $bytes \
$(( (c1 - c0 + c3 - c2s) * 1000000 / ticks / (2 * calibration * seconds) )) $(( (c2 - c1s) * 1000000 / ticks / (turns * seconds) )) \
$(( (c2s - c1s) * 1000000 / ticks / (turns * seconds) ))" | tee -a "$work/results"
}

echo "build round calibration_rps turns_per_s client_p99_ms overhead_p99_8c_ms bytes_per_turn cpu_us_per_404 cpu_us_per_turn cpu_us_per_turn_with_catchup"
alternate "$rounds" measure
python3 - "$work/results" <<'EOF'
import statistics, sys
rows = [line.split() for line in open(sys.argv[1])]
names = ["calibration req/s", "turns/s (64 conn)", "client p99 ms (64)", "overhead p99 ms (8)", "bytes/turn", "server CPU us/404", "server CPU us/turn",
         "  with catch-up after"]
def median(values):
    known = [v for v in values if v == v]  # NaN: a figure the run could not read
    return statistics.median(known) if known else float("nan")
med = {b: [median(float(r[i + 2]) for r in rows if r[0] == b) for i in range(len(names))] for b in ("old", "new")}
# Column a over column b within each of a build's rounds, median over its rounds.
def within(a, b): return {build: statistics.median(float(r[a]) / float(r[b]) for r in rows if r[0] == build) for build in ("old", "new")}
# Column a, new over old in the same round, median over the rounds.
def per_round(a): return statistics.median(float(n[a]) / float(o[a]) for o in rows if o[0] == "old" for n in rows if n[0] == "new" and n[1] == o[1])
ratio, cost, cost_all = within(3, 2), within(8, 7), within(9, 7)
print(f"\nmedians of {len(rows) // 2} rounds")
print(f"{'':22}{'old':>12}{'new':>12}{'new/old':>10}")
for i, name in enumerate(names):
    old, new = med['old'][i], med['new'][i]
    print(f"{name:22}{old:>12.4g}{new:>12.4g}{(new / old if old else float('nan')):>10.2f}")
print(f"{'turns/calibration':22}{ratio['old']:>12.3f}{ratio['new']:>12.3f}{ratio['new'] / ratio['old']:>10.2f}   (median of each round's ratio)")
print(f"{'turn CPU / 404 CPU':22}{cost['old']:>12.2f}{cost['new']:>12.2f}{cost['new'] / cost['old']:>10.2f}   (a turn costs this many empty requests)")
print(f"turns/s new/old, median of the per-round ratios: {per_round(3):.2f}")
print(f"server CPU per turn new/old, median of the per-round ratios: {per_round(8):.2f}")
print(f"with the catch-up after the run: a turn costs {cost_all['old']:.2f} (old) and {cost_all['new']:.2f} (new) empty requests; new/old per round {per_round(9):.2f}")
EOF
echo "(raw output in $work)"
