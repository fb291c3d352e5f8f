#!/usr/bin/env bash
# A dashboard left open (BENCHMARKS.md, "The pages"): a Release server on a fresh temporary data folder, a bounded
# trickle of practice interviews (a turn every 2 s) so that the figures keep changing, and one signed-in dashboard in
# Chromium for MINUTES, its memory and the server's read once a minute (bench/dashboard-soak.mjs).
#   bench/dashboard-soak.sh [MINUTES [SNAPSHOT_FROM]]   (default 10; with SNAPSHOT_FROM, a minute, the objects that grew
#                                                     from then to the end, by heap snapshots)
# Only the server and the loop this script starts are stopped, by their pids; the temporary folder is deleted.
set -euo pipefail
cd "$(dirname "$0")/.."
minutes=${1:-10}
port=${PROMPTLY_BENCH_PORT:-5085}
url=http://127.0.0.1:$port
work=$(mktemp -d /tmp/promptly-dashboard-soak.XXXXXX)
trickle_pid=

source bench/server.sh
source bench/browser.sh
trap 'stop "$trickle_pid"; stop_server; rm -rf "$work"' EXIT
prepare_browser
start_server "$work" "$url" "$work/server.log" Diagnostics__MemoryEndpoint=true RateLimits__TurnsPerSession=100000

# Interviews while the dashboard watches: a turn every 2 s, a new session when one ends; bounded by the run's length.
trickle() {
    local turns=$(( minutes * 30 + 30 )) session='' token=''
    for _ in $(seq 1 "$turns"); do
        if [[ -z $session ]]; then
            local start
            start=$(curl -s "${auth[@]}" "$url/sessions" -d '{"concept_id":"oat_milk_v1"}')
            session=$(echo "$start" | sed 's/.*"id":"\([^"]*\)".*/\1/')
            token=$(echo "$start" | sed 's/.*"token":"\([^"]*\)".*/\1/')
        fi
        curl -s -H "Authorization: Bearer $token" "$url/sessions/$session/turns" -d '{"user_input":"I like it because it tastes fresh and creamy."}' | grep -q '"done":true' && session=''
        sleep 2
    done
}
trickle & trickle_pid=$!

echo "== one dashboard open for $minutes minutes"
browser_node bench/dashboard-soak.mjs "$url" "$PROMPTLY_KEY" "$minutes" ${2:+"$2"}
