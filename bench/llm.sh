#!/usr/bin/env bash
# The real-model runs of BENCHMARKS.md ("Real-model turns (issue #5)"), end to end on this machine:
#   bench/llm.sh [known|chaos ...]      (default: both)
# builds Release, starts bench/Promptly.FakeLlm (an OpenAI-compatible streaming provider: first token 300 ms, then
# 20 tokens 15 ms apart) and the server pointed at it as README's "A real model" shows, on a fresh data folder each run:
#   known  `promptly bench --turns 200`, then Promptly.FakeLlm's report: the server's records against the provider's
#          own log of each call (overhead = response_time_ms - provider time; recorded first token vs configured)
#   chaos  `promptly bench --turns 5` over and over for 65 s while the provider is changed under it: at 8 s its first
#          token takes 5 s, at 18 s every reply stalls 5 s after its first token, at 28 s it is killed (SIGKILL), at
#          43 s a new one starts; then the report of every response (greetings too): answered, slowest, fallbacks by cause
# Every process stops by itself (the fake after 10 min, bench after its turns); the script stops the ones it started,
# by pid, and nothing else. Output and logs go to a temporary folder, printed at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
port=${PROMPTLY_LLM_PORT:-5190}
fake_port=$((port + 1))
url=http://127.0.0.1:$port
fake_url=http://127.0.0.1:$fake_port
work=$(mktemp -d /tmp/promptly-llm.XXXXXX)
runs=("$@")
[[ ${#runs[@]} -gt 0 ]] || runs=(known chaos)
fake_dll=bench/Promptly.FakeLlm/bin/Release/net10.0/Promptly.FakeLlm.dll
fake_pid=
bench_pid=
model=(Interviewer__Provider=openai "Interviewer__Endpoint=$fake_url/v1" Interviewer__Model=fake Interviewer__ApiKey=x)

source bench/server.sh
promptly() { dotnet "$server_dll" "$@"; }
cleanup() { stop "$bench_pid"; stop_server; stop "$fake_pid"; }
trap cleanup EXIT

start_fake() {
    must_be_free "$fake_url"
    dotnet "$fake_dll" serve --port "$fake_port" --first-token-ms 300 --token-ms 15 --tokens 20 --duration 10m >>"$work/fake.log" 2>&1 &
    fake_pid=$!
    wait_for "$fake_url"
}

mode() {
    curl -sf -X POST "$fake_url/admin/mode" -H 'content-type: application/json' -d "$1" >/dev/null
    echo "  $(date +%T) ${SECONDS}s provider mode $1"
}

report() { dotnet "$fake_dll" report --server "$url" --fake "$fake_url" "$@"; }

dotnet build -c Release src/Promptly >/dev/null
dotnet build -c Release bench/Promptly.FakeLlm >/dev/null
for r in "${runs[@]}"; do
    case $r in
        known)
            echo "== known delay: promptly bench $url --turns 200 (provider: first token 300 ms, 20 tokens x 15 ms)"
            start_fake
            start_server "$work/known-data" "$url" "$work/server-known.log" "${model[@]}"
            promptly bench "$url" --turns 200 --p95-budget-ms 2000 | tee "$work/known.txt" || true
            report --from-question 1
            stop_server; stop "$fake_pid"; fake_pid= ;;
        chaos)
            echo "== chaos: promptly bench $url --turns 5, repeated for 65 s; slow at 8 s, stalling at 18 s, killed at 28 s, back at 43 s"
            start_fake
            start_server "$work/chaos-data" "$url" "$work/server-chaos.log" "${model[@]}"
            SECONDS=0
            runs_ok=0 runs_failed=0 next=0
            schedule=("8 slow" "18 stall" "28 kill" "43 restart")
            while ((SECONDS < 65)); do
                if ((next < ${#schedule[@]})); then
                    read -r at what <<<"${schedule[$next]}"
                    if ((SECONDS >= at)); then
                        case $what in
                            slow) mode '{"first_token_ms":5000}' ;;
                            stall) mode '{"first_token_ms":300,"stall_ratio":1,"stall_ms":5000}' ;;
                            kill) kill -KILL "$fake_pid"; wait "$fake_pid" 2>/dev/null || true; fake_pid=
                                  echo "  $(date +%T) ${SECONDS}s provider killed" ;;
                            restart) start_fake; echo "  $(date +%T) ${SECONDS}s provider restarted (first token 300 ms)" ;;
                        esac
                        next=$((next + 1))
                    fi
                fi
                # One short bench at a time, in the background so the schedule above keeps its times.
                if [[ -z "$bench_pid" ]]; then
                    promptly bench "$url" --turns 5 --p95-budget-ms 2000 --timeout 10 --json >>"$work/chaos.jsonl" 2>>"$work/chaos.err" &
                    bench_pid=$!
                elif ! kill -0 "$bench_pid" 2>/dev/null; then
                    if wait "$bench_pid"; then runs_ok=$((runs_ok + 1)); else
                        rc=$?; if ((rc == 1)); then runs_ok=$((runs_ok + 1)); else runs_failed=$((runs_failed + 1)); fi
                    fi
                    bench_pid=
                    continue
                fi
                sleep 0.05
            done
            [[ -z "$bench_pid" ]] || { wait "$bench_pid" && runs_ok=$((runs_ok + 1)) || { [[ $? == 1 ]] && runs_ok=$((runs_ok + 1)) || runs_failed=$((runs_failed + 1)); }; bench_pid=; }
            client_max=$(grep -o '"max_ms": *[0-9.]*' "$work/chaos.jsonl" | tr -d ' ' | awk -F: 'NR % 2 == 1 && $2 + 0 > m { m = $2 + 0 } END { print m }')
            echo "bench runs of 5 turns: $runs_ok measured all their turns, $runs_failed did not (exit 2; see $work/chaos.err); client max $client_max ms"
            report --from-question 0
            stop_server; stop "$fake_pid"; fake_pid= ;;
        *) echo "unknown run '$r': known or chaos" >&2; exit 1 ;;
    esac
done
echo "(output and logs in $work)"
