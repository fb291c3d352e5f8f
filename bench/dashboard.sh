#!/usr/bin/env bash
# What an open dashboard costs the server (BENCHMARKS.md, "The pages"): a Release server over the analytics database
# of bench/analytics.sh (10 million responses over 30 days; generate it first with `bench/analytics.sh --full`),
# then every request the dashboard makes, timed as bench/analytics.sh times the analytics endpoints (curl time_total
# of 21 requests after 10 warm-up ones, median and p90). The "Now" panel asks its four every 3 s, the other panels
# theirs every 30 s (js/dashboard.js); the last line adds them up per minute of an open dashboard.
# Data folder: $PROMPTLY_ANALYTICS_DATA (default /tmp/promptly-analytics). Only the server this script starts is
# stopped, by its pid.
set -euo pipefail
cd "$(dirname "$0")/.."
data=${PROMPTLY_ANALYTICS_DATA:-/tmp/promptly-analytics}
port=${PROMPTLY_BENCH_PORT:-5084}
url=http://127.0.0.1:$port
requests=21
warmup=10
work=$(mktemp -d /tmp/promptly-dashboard-run.XXXXXX)

[[ -f $data/promptly.db ]] || { echo "no database in $data: run bench/analytics.sh --full first" >&2; exit 2; }
source bench/server.sh
trap 'stop_server; rm -rf "$work"' EXIT
dotnet build -c Release src/Promptly >/dev/null
start_server "$data" "$url" "$work/server.log" Analytics__RawRetentionDays=400 Latency__InterviewTypes__INVITED__ThresholdMs=2500

# Prints the median in ms (for the sum) after a line with median and p90.
time_request() {
    curl -sf "${auth[@]}" -o /dev/null "$url$1" || { echo "GET $1 failed" >&2; exit 1; }
    for _ in $(seq 2 "$warmup"); do curl -s "${auth[@]}" -o /dev/null "$url$1"; done
    for _ in $(seq 1 "$requests"); do curl -s "${auth[@]}" -o /dev/null -w '%{time_total}\n' "$url$1"; done | sort -n |
        awk -v path="$1" '{ t[NR] = $1 * 1000 } END { printf "  %-66s median %7.2f ms   p90 %7.2f ms\n", path, t[int((NR + 1) / 2)], t[int(NR * 0.9 + 0.999)] > "/dev/stderr"; print t[int((NR + 1) / 2)] }'
}

sum() { local total=0; for path in "$@"; do total=$(echo "$total + $(time_request "$path")" | bc -l); done; echo "$total"; }

echo "== every 3 s: the Now panel"
now=$(sum "/api/latency/compliance?hours=1" "/api/latency/compliance?hours=0.083333" "/api/alerts" "/metrics")
echo "== every 30 s: trends (per hour over 2 days, per type), where the time goes (today), HTTP"
slow=$(sum "/api/latency-analytics/trends?days=2&interval=hour&interview_type=PRACTICE" "/api/latency-analytics/trends?days=2&interval=hour&interview_type=INVITED" \
    "/api/latency-analytics/by-phase?days=1&source=interview" "/api/latency-analytics/by-phase?days=1&source=voice" \
    "/api/latency-analytics/bottlenecks?days=1&source=interview" "/api/latency-analytics/recommendations?days=1" \
    "/api/latency/slow?hours=1&limit=10" "/api/metrics/requests?hours=1")
echo "== once, at sign-in"
sum "/api/latency/budget" "/concepts" "/sessions?limit=20" >/dev/null
printf "one open dashboard: %.1f ms of requests every 3 s + %.1f ms every 30 s = %.0f ms of server time per minute (%.2f%% of one core)\n" \
    "$now" "$slow" "$(echo "$now * 20 + $slow * 2" | bc -l)" "$(echo "($now * 20 + $slow * 2) / 600" | bc -l)"
