#!/usr/bin/env bash
# Two Promptly instances over one PostgreSQL database behind nginx, on this machine, without Docker:
#   deploy/two-instances.sh [--port 5000] [--connection-string 'Host=…;Database=…;Username=…']
# Without a connection string it starts a throwaway PostgreSQL cluster (bench/postgres.sh; Debian's postgresql).
# Builds Release, starts the two instances on 127.0.0.1 (the next two free ports after --port + 100) with
# Storage:Provider=postgres and nginx's address trusted as the proxy (ForwardedHeaders:KnownProxies), and nginx
# (deploy/nginx.conf, Debian's nginx) on 127.0.0.1:--port in front of them; prints what runs where and the operator
# key, then waits. Ctrl-C (or the end of the script for any reason) stops what it
# started, by the pids it started, and deletes its temporary folders.
set -euo pipefail
cd "$(dirname "$0")/.."
port=5000
connection=
while (( $# )); do
    case $1 in
        --port) port=$2; shift 2 ;;
        --connection-string) connection=$2; shift 2 ;;
        *) echo "usage: deploy/two-instances.sh [--port N] [--connection-string CONNECTION]" >&2; exit 2 ;;
    esac
done
if (echo >"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "port $port is taken; choose another with --port" >&2; exit 2; fi

source bench/server.sh
source bench/postgres.sh
source deploy/nginx.sh
work=$(mktemp -d /tmp/promptly-two-instances.XXXXXX)
pids=()
finish() {
    stop_nginx
    for pid in "${pids[@]}"; do stop "$pid"; done
    stop_postgres
    rm -rf "$work"
}
trap finish EXIT
trap 'exit 130' INT TERM

if [[ -z $connection ]]; then
    [[ -n $(postgres_bin) ]] || { echo "PostgreSQL is not installed (Debian: apt-get install postgresql); or give --connection-string" >&2; exit 2; }
    start_postgres
    # Its max_connections is PostgreSQL's default, 100, and Npgsql's pool is 100 per server: two servers under load
    # could ask for 200.
    connection="$postgres_connection;Maximum Pool Size=40"
fi

free_port() {
    local p=$1
    while (echo >"/dev/tcp/127.0.0.1/$p") 2>/dev/null; do p=$((p + 1)); done
    echo "$p"
}

echo "building Release…"
dotnet build -c Release src/Promptly >/dev/null
instances=()
next=$((port + 101))
for n in 1 2; do
    p=$(free_port "$next")
    next=$((p + 1))
    # One after the other; started together they would migrate the schema once too (PostgreSQL advisory lock).
    # nginx on 127.0.0.1 is the trusted proxy, so the limits per address count each client's own address.
    start_server "$work/instance-$n" "http://127.0.0.1:$p" "$work/instance-$n.log" \
        Storage__Provider=postgres "Storage__ConnectionString=$connection" ForwardedHeaders__KnownProxies__0=127.0.0.1 Shutdown__DrainSeconds=2
    pids+=("$server_pid")
    instances+=("127.0.0.1:$p")
    echo "instance $n   http://127.0.0.1:$p   pid $server_pid   log $work/instance-$n.log"
done
start_nginx "127.0.0.1:$port" "${instances[0]}" "${instances[1]}"
echo "nginx        http://127.0.0.1:$port   pid $nginx_pid   config $nginx_dir/nginx.conf"
echo "PostgreSQL   $connection"
echo "operator key $PROMPTLY_KEY   (export PROMPTLY_KEY=$PROMPTLY_KEY)"
echo
echo "load it:     PROMPTLY_KEY=$PROMPTLY_KEY dotnet run -c Release --project src/Promptly -- load http://127.0.0.1:$port --connections 32 --duration 60s"
echo "kill one:    kill -9 ${pids[0]}   (the other goes on; nginx skips the dead one)"
echo "stop one:    kill ${pids[0]}      (SIGTERM: it drains 2 s, then stops; what a rolling restart does)"
echo "Ctrl-C stops everything this script started."
wait "$nginx_pid"
