using System.Diagnostics;
using Promptly.Interviews;

namespace Promptly.Diagnostics;

/// <summary>
/// The server process's memory and the resources that could grow with traffic, for telling a leak from a cache
/// filling up: managed heap after a full collection, resident memory, threads, timers, open files and sockets, and
/// sessions held in memory.
/// </summary>
/// <param name="ManagedHeapBytes">Live managed objects after a forced full collection (<see cref="GC.GetTotalMemory(bool)"/>).</param>
/// <param name="GcHeapSizeBytes">The GC heap including free space, as of that collection.</param>
/// <param name="GcCommittedBytes">Memory the GC has committed from the operating system.</param>
/// <param name="WorkingSetBytes">Resident memory of the process (RSS on Linux).</param>
/// <param name="ThreadCount">Operating-system threads of the process.</param>
/// <param name="ThreadPoolThreads">Thread-pool threads.</param>
/// <param name="ActiveTimers">Timers scheduled in the process (<see cref="Timer.ActiveCount"/>), including those behind <see cref="PeriodicTimer"/> and timeouts.</param>
/// <param name="OpenFileDescriptors">Files and sockets open (Linux; null elsewhere).</param>
/// <param name="CachedSessions">Interview sessions held in memory between turns.</param>
/// <param name="TotalAllocatedBytes">Bytes allocated since the start, collected or not.</param>
internal sealed record MemoryReport(
    long ManagedHeapBytes,
    long GcHeapSizeBytes,
    long GcCommittedBytes,
    long WorkingSetBytes,
    int ThreadCount,
    int ThreadPoolThreads,
    long ActiveTimers,
    int? OpenFileDescriptors,
    int CachedSessions,
    int Gen0Collections,
    int Gen1Collections,
    int Gen2Collections,
    long TotalAllocatedBytes)
{
    /// <summary>Forces a full blocking collection (waiting for finalizers), then reads the figures.</summary>
    public static MemoryReport Take(SessionCache sessions)
    {
        var managed = GC.GetTotalMemory(forceFullCollection: true);
        var info = GC.GetGCMemoryInfo(GCKind.Any);
        using var process = Process.GetCurrentProcess();
        return new MemoryReport(
            managed,
            info.HeapSizeBytes,
            info.TotalCommittedBytes,
            Environment.WorkingSet,
            process.Threads.Count,
            ThreadPool.ThreadCount,
            Timer.ActiveCount,
            CountOpenFileDescriptors(),
            sessions.Count,
            GC.CollectionCount(0),
            GC.CollectionCount(1),
            GC.CollectionCount(2),
            GC.GetTotalAllocatedBytes());
    }

    private static int? CountOpenFileDescriptors()
    {
        const string Folder = "/proc/self/fd";
        return OperatingSystem.IsLinux() && Directory.Exists(Folder) ? Directory.EnumerateFileSystemEntries(Folder).Count() : null;
    }
}
