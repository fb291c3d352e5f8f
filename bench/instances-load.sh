#!/usr/bin/env bash
# Turns/s, client p99 and CPU per turn for three layouts, same driver, same run (BENCHMARKS.md "Several instances"):
#   bench/instances-load.sh [rounds] [seconds] [connections]
#   sqlite   one server on SQLite (synchronous=FULL)
#   pg1      one server on PostgreSQL
#   pg2      two servers on PostgreSQL behind nginx (deploy/nginx.conf: a session's requests to one server;
#            PROMPTLY_BALANCE=round-robin without that affinity, so consecutive turns alternate between the servers)
# builds Release, starts a throwaway PostgreSQL cluster (bench/postgres.sh) with a database per PostgreSQL layout, and
# all four servers and nginx side by side (an idle one costs next to nothing), then loads each layout in turn with
# bench/Promptly.TurnLoad, rotating the order every round. CPU per turn is user + system time from /proc over each run:
# the servers' (both, for pg2), PostgreSQL's (the postmaster, its live children, and its children that ended, which
# the postmaster reaped) and nginx's; on a shared machine what a turn costs is steadier than how many run per second.
# Prints every run and each layout's medians. Only the processes this script starts are stopped, by their pid.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
seconds=${2:-15}
connections=${3:-64}
port=${PROMPTLY_BENCH_PORT:-5080}
work=$(mktemp -d /tmp/promptly-instances-load.XXXXXX)
source bench/server.sh
source bench/postgres.sh
source deploy/nginx.sh
declare -A url pids
all_pids=()
finish() {
    stop_nginx
    for pid in "${all_pids[@]}"; do stop "$pid"; done
    stop_postgres
}
trap finish EXIT

load() { local layout=$1; shift; dotnet "$driver" --server "${url[$layout]}" "$@"; }
ticks_of() { for pid in "$@"; do awk '{ print $14 + $15 }' "/proc/$pid/stat" 2>/dev/null || true; done | awk '{ s += $1 } END { print s + 0 }'; }
# PostgreSQL's CPU so far: ended backends' time is in the postmaster's cutime/cstime once it has reaped them.
postgres_ticks() {
    local master
    master=$(head -n 1 "$postgres_dir/data/postmaster.pid")
    echo $(( $(awk '{ print $14 + $15 + $16 + $17 }' "/proc/$master/stat") + $(ticks_of $(pgrep -P "$master")) ))
}
nginx_ticks() { ticks_of "$nginx_pid" $(pgrep -P "$nginx_pid"); }

build_tree .
start_postgres
postgres_port=$(sed 's/.*Port=\([0-9]*\).*/\1/' <<<"$postgres_connection")
for db in promptly_one promptly_two; do psql -q "host=127.0.0.1 port=$postgres_port user=promptly dbname=postgres" -c "CREATE DATABASE $db"; done

start() {
    local name=$1
    shift
    start_server "$work/data-$name" "http://127.0.0.1:$port" "$work/server-$name.log" "$@"
    all_pids+=("$server_pid")
    started_pid=$server_pid
    started_at=127.0.0.1:$port
    port=$((port + 1))
}
# PostgreSQL's default max_connections is 100 and Npgsql's default pool 100 per server: three servers at 64 requests
# each ran out ("53300: too many clients already", a 503) in the first measurement. 30 each leaves room.
pool=";Maximum Pool Size=30"
start sqlite
url[sqlite]=http://$started_at; pids[sqlite]=$started_pid
start pg1 Storage__Provider=postgres "Storage__ConnectionString=${postgres_connection/Database=postgres/Database=promptly_one}$pool"
url[pg1]=http://$started_at; pids[pg1]=$started_pid
two=()
for n in a b; do
    # Behind nginx on this machine, trusted as deploy/two-instances.sh trusts it.
    start "pg2$n" Storage__Provider=postgres "Storage__ConnectionString=${postgres_connection/Database=postgres/Database=promptly_two}$pool" \
        ForwardedHeaders__KnownProxies__0=127.0.0.1
    two+=("$started_at"); pids[pg2]="${pids[pg2]:-} $started_pid"
done
balancer_port=$port
while (echo >"/dev/tcp/127.0.0.1/$balancer_port") 2>/dev/null; do balancer_port=$((balancer_port + 1)); done
balance=${PROMPTLY_BALANCE:-session}
start_nginx "127.0.0.1:$balancer_port" "${two[0]}" "${two[1]}" "$balance"
url[pg2]=http://127.0.0.1:$balancer_port
echo "sqlite ${url[sqlite]}, pg1 ${url[pg1]}, pg2 ${url[pg2]} (nginx, $balance) → ${two[*]}; PostgreSQL $postgres_connection"

# Warm every layout up (JIT, connection pools) before anything counts.
for layout in sqlite pg1 pg2; do load "$layout" --connections "$connections" --warmup 0 --duration 5 >/dev/null 2>&1 || true; done

measure() {
    local layout=$1 round=$2 out="$work/$1-$2" s0 p0 n0 s1 p1 n1 turns p99 errors ticks
    s0=$(ticks_of ${pids[$layout]}); p0=$(postgres_ticks); n0=$(nginx_ticks)
    load "$layout" --connections "$connections" --warmup 0 --duration "$seconds" >"$out" 2>/dev/null || true
    s1=$(ticks_of ${pids[$layout]}); p1=$(postgres_ticks); n1=$(nginx_ticks)
    turns=$(sed -n 's/^turns .* = \([0-9]*\) turns.*/\1/p' "$out")
    p99=$(sed -n 's/^client latency .* p99 \([0-9.]*\) .*/\1/p' "$out")
    errors=$(sed -n 's/^errors *//p' "$out" | tr ' ' '_')
    ticks=$(getconf CLK_TCK)
    # CPU µs per turn: the run's ticks over the turns it counted (with --warmup 0 nearly all it made). PostgreSQL's and
    # nginx's only count for the layouts that use them.
    local total=$(( turns * seconds )) pg=0 ng=0
    [[ $layout != sqlite ]] && pg=$(( (p1 - p0) * 1000000 / ticks / total ))
    [[ $layout == pg2 ]] && ng=$(( (n1 - n0) * 1000000 / ticks / total ))
    echo "$layout $round $turns $p99 $(( (s1 - s0) * 1000000 / ticks / total )) $pg $ng $errors" | tee -a "$work/results"
}

echo "layout round turns_per_s client_p99_ms server_cpu_us_per_turn postgres_cpu_us_per_turn nginx_cpu_us_per_turn errors"
layouts=(sqlite pg1 pg2)
for round in $(seq 1 "$rounds"); do
    # Rotate the order so that no layout always runs first, or always right after another.
    for i in 0 1 2; do measure "${layouts[$(( (i + round - 1) % 3 ))]}" "$round"; done
done
python3 - "$work/results" <<'PY'
import statistics, sys
rows = [line.split() for line in open(sys.argv[1])]
print(f"\nmedians of {len(rows) // 3} rounds")
print(f"{'layout':8}{'turns/s':>10}{'p99 ms':>9}{'server µs':>11}{'pg µs':>8}{'nginx µs':>10}{'turns/s ÷ sqlite':>18}")
base = statistics.median(float(r[2]) for r in rows if r[0] == "sqlite")
for layout in ("sqlite", "pg1", "pg2"):
    m = [statistics.median(float(r[i]) for r in rows if r[0] == layout) for i in range(2, 7)]
    print(f"{layout:8}{m[0]:>10.0f}{m[1]:>9.1f}{m[2]:>11.0f}{m[3]:>8.0f}{m[4]:>10.0f}{m[0] / base:>18.2f}")
PY
echo "(raw output in $work)"
