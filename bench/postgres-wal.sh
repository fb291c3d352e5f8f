#!/usr/bin/env bash
# WAL bytes per turn on PostgreSQL (BENCHMARKS.md, "What it would take to reach 10,000 concurrent interviews"):
#   bench/postgres-wal.sh [seconds]
# Builds Release, starts a throwaway PostgreSQL cluster (bench/postgres.sh) and one server on it, warms it up, then
# for 64 and 8 connections reads pg_current_wal_lsn() before and after a run of the turn driver
# (bench/Promptly.TurnLoad; session starts included) and prints the WAL written per turn. Stops what it started.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-10}
source bench/server.sh
source bench/postgres.sh
work=$(mktemp -d /tmp/promptly-postgres-wal.XXXXXX)
finish() { stop "${server_pid:-}"; stop_postgres; rm -rf "$work"; }
trap finish EXIT
build_tree .
start_postgres
port=$(sed 's/.*Port=\([0-9]*\).*/\1/' <<<"$postgres_connection")
lsn() { psql -tA "host=127.0.0.1 port=$port user=promptly dbname=postgres" -c "SELECT ${1:-pg_current_wal_lsn()}"; }
start_server "$work/data" "http://127.0.0.1:${PROMPTLY_BENCH_PORT:-5080}" "$work/server.log" \
    Storage__Provider=postgres "Storage__ConnectionString=$postgres_connection;Maximum Pool Size=30"
url=http://127.0.0.1:${PROMPTLY_BENCH_PORT:-5080}
dotnet "$driver" --server "$url" --connections 64 --warmup 0 --duration 5 >/dev/null 2>&1 || true
for connections in 64 8; do
    before=$(lsn)
    out=$(dotnet "$driver" --server "$url" --connections "$connections" --warmup 0 --duration "$seconds")
    after=$(lsn)
    bytes=$(lsn "pg_wal_lsn_diff('$after', '$before')::bigint")
    turns=$(sed -n 's/^turns *\([0-9]*\) in.*/\1/p' <<<"$out")
    echo "connections $connections: $turns turns, $bytes bytes of WAL = $(( bytes / turns )) bytes per turn"
done
