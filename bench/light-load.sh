#!/usr/bin/env bash
# The server's own latency at light load, two builds alternating (issue 11, BENCHMARKS.md "Checkpoints off the writer"):
#   bench/light-load.sh OLD_TREE [rounds] [rate]
# Each round starts a fresh Release server of each build in turn (old first in odd rounds, new first in even ones) on
# its own data folder, warms it with `promptly load --phases "warm:15s@RATE"` (JIT, tiering, the first checkpoints),
# then measures `promptly load --phases "light:30s@RATE"` (default 500 requests/s: interviews started, read and
# answered, about 100 turns/s) and stops it. The figures are the server's own: response_time_ms and its persist
# phase from the latency records of the light phase only, read from the database once the server is down (hourly
# digests cannot leave the warm-up out). Prints each run, then each build's medians over the rounds.
# Only the processes this script starts are stopped, by their pid.
set -euo pipefail
cd "$(dirname "$0")/.."
old_tree=$(cd "${1:?usage: bench/light-load.sh OLD_TREE [rounds] [rate]}" && pwd)
rounds=${2:-5}
rate=${3:-500}
url=http://127.0.0.1:${PROMPTLY_BENCH_PORT:-5090}
work=$(mktemp -d /tmp/promptly-light-load.XXXXXX)
source bench/server.sh
trap stop_server EXIT

dotnet build -c Release src/Promptly >/dev/null
(cd "$old_tree" && dotnet build -c Release src/Promptly >/dev/null)
declare -A tree=([old]="$old_tree" [new]="$PWD")
# This tree's CLI drives both, so the load is the same whichever server answers.
promptly() { dotnet src/Promptly/bin/Release/net10.0/Promptly.dll "$@"; }

run() {
    local b=$1 round=$2 data="$work/$1-$2"
    server_dll=${tree[$b]}/src/Promptly/bin/Release/net10.0/Promptly.dll
    start_server "$data" "$url" "$data.log"
    promptly load "$url" --phases "warm:15s@$rate" >"$data.warm" 2>&1 || true
    local from
    from=$(date +%s%3N)
    promptly load "$url" --phases "light:30s@$rate" >"$data.light" 2>&1 || true
    stop_server
    python3 - "$data/promptly.db" "$from" "$b" "$round" <<'PY' | tee -a "$work/results"
import json, sqlite3, sys
db = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
rows = db.execute("SELECT response_time_ms, phases, question_number FROM latency_records WHERE timestamp >= ?", (int(sys.argv[2]),)).fetchall()
def p(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * q))]
response = [r[0] for r in rows]
persist = [json.loads(r[1]).get("persist", 0.0) for r in rows]
turns = [r[0] for r in rows if r[2] > 0]
print(sys.argv[3], sys.argv[4], len(rows), *(f"{v:.3f}" for v in (p(response, .5), p(response, .95), p(response, .99), p(persist, .5), p(persist, .99), p(turns, .99))))
PY
}

echo "build round responses p50_ms p95_ms p99_ms persist_p50_ms persist_p99_ms turn_p99_ms"
alternate "$rounds" run
python3 - "$work/results" <<'PY'
import statistics, sys
rows = [line.split() for line in open(sys.argv[1])]
names = ["p50 ms", "p95 ms", "p99 ms", "persist p50 ms", "persist p99 ms", "turn p99 ms"]
print(f"\nmedians of {len(rows) // 2} rounds")
print(f"{'':18}{'old':>10}{'new':>10}{'new/old':>10}")
for i, name in enumerate(names):
    old, new = (statistics.median(float(r[i + 3]) for r in rows if r[0] == b) for b in ("old", "new"))
    print(f"{name:18}{old:>10.3f}{new:>10.3f}{new / old:>10.2f}")
PY
echo "(raw output in $work)"
