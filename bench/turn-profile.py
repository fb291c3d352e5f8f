"""Sorts `perf script` samples of a Promptly server into the cost categories of issue 11.

A sample belongs to the first frame, from the leaf up, that names an owner (generic frames such as collections,
CoreLib or the C library are skipped, so a dictionary lookup inside the writer counts as the writer). The rollup and
the configuration watcher, and the kernel's fsync and pwrite paths, own every sample with one of their frames anywhere
in the stack; GC and JIT threads are
recognised by name. SQLite's native code has no frame pointers, so a sample inside it is the writer's unless it
shows a rollup frame (the rollup's own reads are therefore counted with the writer; they run on pooled connections).
"""
import collections
import re
import sys

# (category, pattern) in the order tried at each frame, from the leaf up.
OWNERS = [
    ("SQLite: engine", r"libe_sqlite3|sqlite3"),
    ("SQLite: binding and writer", r"Microsoft\.Data\.Sqlite|SQLitePCL|Promptly\.Storage\.Sqlite"),
    ("request metrics", r"Promptly\.Telemetry\.RequestMetrics(Collector|Service)|Promptly\.Histograms"),
    ("logging", r"Microsoft\.Extensions\.Logging|LoggerMessage"),
    ("latency tracking", r"Promptly\.Budget|Promptly\.Latency"),
    ("interview logic", r"Promptly\.(Interviews\.(?!InterviewEndpoints|TurnEventStream)|Guides|Graph)|Microsoft\.Extensions\.AI"),
    ("HTTP and JSON", r"Kestrel|Microsoft\.AspNetCore|System\.Net\.|System\.IO\.Pipelines|Promptly\.Http|InterviewEndpoints|tcp_|sock_|__sys_send|__sys_recv|epoll|ip_|skb|net_rx|__x64_sys_(sendto|recvfrom|read|write)\b|libSystem\.Native"),
    ("thread pool: wake-ups and spinning", r"ThreadPool|LowLevelLifoSemaphore|LowLevelSpinWaiter|WorkerThread|futex|SpinWait|sched_yield|schedule\b|__schedule"),
]
ANYWHERE = [
    ("background rollup", r"Promptly\.Analytics\.(LatencyRollup|RollupAggregator|LatencyDigest|DigestCodec|LogLinearHistogram)|SaveRollupAsync|RunsAfterAsync|DeleteExpiredAsync"),
    ("config reload watcher", r"FileSystemWatcher|PhysicalFilesWatcher|inotify_(read|handle_inode_event|handle_event)"),
    ("SQLite: fsync", r"fsync|fdatasync"),
    ("SQLite: WAL writes", r"pwrite"),
]
THREADS = [
    ("GC", r"^\.NET (Server GC|BGC|Background GC)|^\.NET GC"),
    ("JIT (tiering)", r"^\.NET Tiered Com"),
]


def categorize(thread, frames):
    for category, pattern in THREADS:
        if re.search(pattern, thread):
            return category
    stack = "\n".join(frames)
    for category, pattern in ANYWHERE:
        if re.search(pattern, stack):
            return category
    for frame in frames:
        for category, pattern in OWNERS:
            if re.search(pattern, frame):
                return category
    return "other (runtime, unresolved)"


def main(path):
    counts = collections.Counter()
    total = 0
    for block in open(path, errors="replace").read().split("\n\n"):
        lines = [line for line in block.split("\n") if line.strip()]
        if len(lines) < 2:
            continue
        thread = re.split(r"\s+\d+\s+\d+\.\d+:", lines[0])[0]
        counts[categorize(thread, [line.strip() for line in lines[1:]])] += 1
        total += 1
    print(f"{total} samples (1 ms of CPU each at -F 999)")
    sqlite = sum(v for k, v in counts.items() if k.startswith("SQLite"))
    print(f"  {'SQLite writer and commit (all below)':40}{100 * sqlite / total:6.1f}%")
    for category, n in sorted(counts.items(), key=lambda kv: (not kv[0].startswith("SQLite"), -kv[1])):
        print(f"  {category:40}{100 * n / total:6.1f}%")


if __name__ == "__main__":
    main(sys.argv[1])
