#!/usr/bin/env bash
# The latency analytics benchmarks of BENCHMARKS.md (issue #3), on this machine:
#   bench/analytics.sh          times every analytics endpoint of a Release server over the generated database
#                               (21 requests each after 10 warm-up ones, median and p90 of curl's time_total),
#                               then the ingest API's throughput against a second server on a fresh, temporary
#                               data folder
#   bench/analytics.sh --full   first generates the database (replacing the one in the folder), verifies it against
#                               the exact figures and runs the BenchmarkDotNet classes (short job), then the above
# Data folder: $PROMPTLY_ANALYTICS_DATA (default /tmp/promptly-analytics); $PROMPTLY_ANALYTICS_RESPONSES (default
# 10000000) responses for --full. The generated database is left in place; the ingest folder is deleted. Only the
# servers this script starts are stopped, by their pid.
set -euo pipefail
cd "$(dirname "$0")/.."
data=${PROMPTLY_ANALYTICS_DATA:-/tmp/promptly-analytics}
responses=${PROMPTLY_ANALYTICS_RESPONSES:-10000000}
port=${PROMPTLY_BENCH_PORT:-5081}
url=http://127.0.0.1:$port
requests=21
warmup=10
work=$(mktemp -d /tmp/promptly-analytics-run.XXXXXX)
status=0

bench() { dotnet bench/Promptly.Benchmarks/bin/Release/net10.0/Promptly.Benchmarks.dll "$@"; }

source bench/server.sh
# The generated data's budget (INVITED 2500 ms), and raw rows kept long enough that the retention never deletes any
# of them while the database is reused.
settings=(Analytics__RawRetentionDays=400 Latency__InterviewTypes__INVITED__ThresholdMs=2500)
trap stop_server EXIT

# $warmup warm-up requests (the first must succeed; the rest let the JIT reach its optimised code), then $requests
# timed ones: median and p90 (nearest rank) in ms.
time_endpoint() {
    curl -sf "${auth[@]}" -o /dev/null "$url$1" || { echo "GET $1 failed" >&2; status=1; return 0; }
    for _ in $(seq 2 "$warmup"); do curl -s "${auth[@]}" -o /dev/null "$url$1"; done
    for _ in $(seq 1 "$requests"); do curl -s "${auth[@]}" -o /dev/null -w '%{time_total}\n' "$url$1"; done | sort -n |
        awk -v path="$1" '{ t[NR] = $1 * 1000 } END { printf "  %-62s median %7.2f ms   p90 %7.2f ms\n", path, t[int((NR + 1) / 2)], t[int(NR * 0.9 + 0.999)] }'
}

dotnet build -c Release src/Promptly >/dev/null
dotnet build -c Release bench/Promptly.Benchmarks >/dev/null

if [[ "${1:-}" == "--full" ]]; then
    echo "== generate $responses responses into $data"
    bench generate --responses "$responses" --data "$data" --overwrite
    echo "== verify"
    bench verify --data "$data" || status=1
    echo "== BenchmarkDotNet (short job)"
    PROMPTLY_ANALYTICS_DATA=$data dotnet run -c Release --project bench/Promptly.Benchmarks -- --filter '*DigestBenchmarks*' '*AnalyticsQueryBenchmarks*' --job short |
        grep -E '^\|' || status=1
fi

echo "== analytics endpoints over $data ($requests requests each after $warmup warm-up ones, curl time_total)"
start_server "$data" "$url" "$work/server.log" "${settings[@]}"
for path in \
    "/api/latency-analytics/summary?days=30" \
    "/api/latency-analytics/by-phase?days=30" \
    "/api/latency-analytics/bottlenecks?days=30" \
    "/api/latency-analytics/trends?days=30&interval=day" \
    "/api/latency-analytics/trends?days=30&interval=hour" \
    "/api/latency-analytics/recommendations?days=30" \
    "/api/latency/compliance?hours=720" \
    "/api/latency-analytics/summary?days=7&interview_type=INVITED"; do
    time_endpoint "$path"
done
curl -s "${auth[@]}" "$url/api/latency-analytics/summary?days=30" | head -c 600
echo

# A command's wall time includes starting the .NET process; `analyze --help` starts it and answers nothing, so the
# difference between the two medians is what the command itself took.
time_command() {
    local label=$1
    shift
    "$@" >/dev/null || { echo "$label failed" >&2; status=1; return 0; }
    for _ in $(seq 1 7); do
        local start end
        start=$(date +%s%N)
        "$@" >/dev/null
        end=$(date +%s%N)
        echo $(((end - start) / 1000))
    done | sort -n | awk -v label="$label" '{ t[NR] = $1 / 1000 } END { printf "  %-62s median %7.1f ms\n", label, t[4] }'
}

echo "== promptly analyze (wall time of the whole process, median of 7 after one warm-up)"
promptly=(dotnet src/Promptly/bin/Release/net10.0/Promptly.dll)
time_command "analyze --help (process start only)" "${promptly[@]}" analyze --help
time_command "analyze --server --days 30 --summary" "${promptly[@]}" analyze --server "$url" --days 30 --summary
time_command "analyze --server --days 30 (all four default sections)" "${promptly[@]}" analyze --server "$url" --days 30
time_command "analyze --server --days 30 --trends" "${promptly[@]}" analyze --server "$url" --days 30 --trends
time_command "analyze --data-folder --days 30 --summary (local database)" \
    env "${settings[@]}" "${promptly[@]}" analyze --data-folder "$data" --days 30 --summary
time_command "analyze --data-folder --days 30 --report" \
    env "${settings[@]}" "${promptly[@]}" analyze --data-folder "$data" --days 30 --report --output "$work/report/latency_report.md"
echo "  (report: $work/report/latency_report.md)"
stop_server

echo "== ingest API on a fresh data folder"
start_server "$work/ingest-data" "$url" "$work/server.log" "${settings[@]}"
bench ingest-load --server "$url" --batch 1000 --connections 4 --warmup 2 --seconds 10 || status=1
stop_server
rm -rf "$work/ingest-data"
echo "(server log in $work/server.log)"
exit $status
