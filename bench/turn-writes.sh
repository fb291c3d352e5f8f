#!/usr/bin/env bash
# What a turn writes to disk (issue 11, BENCHMARKS.md "Turns that write fewer pages"): starts a Release server of TREE on a
# fresh data folder, drives turns at 64 connections and reports
#   bytes written per turn   the server's write()/pwrite() bytes over a 10 s run (/proc/PID/io wchar: the WAL's frames,
#                            the checkpoints' copies into the database file, the transcript index's file), twice;
#   WAL frames by B-tree     the server is paused (SIGSTOP) in the middle of a run, its WAL and database copied and it
#                            is resumed; each frame of the copied WAL is named by the table or index its page belongs to
#                            (SQLite's dbstat, from python3's sqlite3), "new page" when the page is past the copied
#                            database's end (appended since the last checkpoint).
#   bench/turn-writes.sh [TREE]   TREE defaults to this checkout
# Only the processes this script starts are stopped, by their pid.
set -euo pipefail
cd "$(dirname "$0")/.."
tree=$(cd "${1:-.}" && pwd)
port=${PROMPTLY_BENCH_PORT:-5082}
url=http://127.0.0.1:$port
work=$(mktemp -d /tmp/promptly-turn-writes.XXXXXX)
source bench/server.sh
trap stop_server EXIT

build_tree "$tree"
load() { dotnet "$driver" --server "$url" --connections 64 --warmup 0 --duration "$1"; }
written() { awk '/^wchar/ { print $2 }' "/proc/$server_pid/io"; }

start_server "$work/data" "$url" "$work/server.log"
load 5 >/dev/null 2>&1
for run in 1 2; do
    before=$(written)
    turns=$(load 10 2>/dev/null | sed -n 's/^turns *\([0-9]*\) in.*/\1/p')
    after=$(written)
    echo "run $run: $turns turns, $(( (after - before) / turns )) bytes written per turn"
done

load 12 >/dev/null 2>&1 &
load_pid=$!
sleep 8
kill -STOP "$server_pid"
cp "$work/data/promptly.db-wal" "$work/copy.db-wal.frames"
cp "$work/data/promptly.db" "$work/copy.db"
kill -CONT "$server_pid"
wait "$load_pid" || true
python3 - "$work/copy.db" "$work/copy.db-wal.frames" <<'PY'
import collections, sqlite3, struct, sys
owner = {page: name for name, page in sqlite3.connect(f"file:{sys.argv[1]}?mode=ro&immutable=1", uri=True).execute("SELECT name, pageno FROM dbstat")}
wal = open(sys.argv[2], "rb").read()
_, _, page_size, _, salt1, salt2, _, _ = struct.unpack(">8I", wal[:32])
frames, commits, offset = collections.Counter(), 0, 32
while offset + 24 + page_size <= len(wal):
    page, commit_size, s1, s2, _, _ = struct.unpack(">6I", wal[offset:offset + 24])
    if (s1, s2) != (salt1, salt2): break
    frames[owner.get(page, "new page")] += 1
    commits += commit_size > 0
    offset += 24 + page_size
total = sum(frames.values())
print(f"WAL frames since the last checkpoint: {total} in {commits} commits, {total / max(commits, 1):.1f} a commit")
for name, count in frames.most_common(10): print(f"  {count / total:6.1%}  {name}")
PY
echo "(data in $work)"
