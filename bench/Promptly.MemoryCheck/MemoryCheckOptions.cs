namespace Promptly.MemoryCheck;

/// <summary>One memory check: where, how many turns, how often to sample, and what fails it.</summary>
internal sealed record MemoryCheckOptions(Uri Server, int? Pid, int Turns, int SampleEvery, int Warmup, int Clients, string Concept, double MaxHeapGrowthMb)
{
    public string? Problem() =>
        Turns is < 1 or > 1_000_000 ? "--turns must be from 1 to 1,000,000."
        : SampleEvery < 1 || Turns % SampleEvery != 0 ? "--sample-every must be positive and divide --turns."
        : Warmup < 0 || Warmup > Turns - 2 * SampleEvery ? "--warmup must leave at least two samples after it."
        : Warmup % SampleEvery != 0 ? "--warmup must be a multiple of --sample-every."
        : Clients is < 1 or > 64 ? "--clients must be from 1 to 64."
        : MaxHeapGrowthMb <= 0 ? "--max-heap-growth-mb must be positive."
        : null;
}

/// <summary>The server after <see cref="Turns"/> turns.</summary>
/// <param name="RssBytes">VmRSS from /proc when the pid is known, else the working set the server reports.</param>
internal sealed record MemorySample(int Turns, long ManagedHeapBytes, long RssBytes, int Threads, long Timers, int? OpenFiles, int CachedSessions, int Sessions);
