using System.Globalization;

namespace Promptly.MemoryCheck;

/// <summary>
/// The samples as a table, and each figure's growth per 1,000 turns after the warm-up: the least-squares slope of
/// the samples from the warm-up on, so one noisy sample neither hides nor fakes a trend.
/// </summary>
/// <remarks>
/// Fails when the managed heap grows by the limit or more per 1,000 turns, or when a count (threads, timers, open
/// files, cached sessions) still rises in the second half of the judged samples above everything it reached in
/// the first half by more than 2 or 10% (whichever is more): a bounded resource levels off, an unbounded one keeps
/// climbing. The allowance is for pools that breathe (the thread pool adds a thread under a burst and retires it
/// after some idle seconds; sockets come and go); a leak of one per interview exceeds it within a few hundred
/// turns. RSS is reported, not judged:
/// the GC keeps freed memory committed for reuse, so RSS lags and steps rather than tracking live objects.
/// </remarks>
internal static class GrowthReport
{
    private const double Mb = 1024 * 1024;

    public static bool Write(TextWriter output, MemoryCheckOptions options, List<MemorySample> samples)
    {
        output.WriteLine($"{"turns",7} {"sessions",8} {"managed MB",10} {"RSS MB",8} {"threads",7} {"timers",6} {"files",5} {"cached sessions",15}");
        foreach (var s in samples)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{s.Turns,7} {s.Sessions,8} {s.ManagedHeapBytes / Mb,10:0.00} {s.RssBytes / Mb,8:0.0} {s.Threads,7} {s.Timers,6} {s.OpenFiles?.ToString(CultureInfo.InvariantCulture) ?? "-",5} {s.CachedSessions,15}"));
        }

        var judged = samples.Where(s => s.Turns >= options.Warmup).ToList();
        output.WriteLine();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Growth per 1,000 turns from turn {options.Warmup:#,0} to {samples[^1].Turns:#,0} (least-squares slope of {judged.Count} samples):"));

        var heap = Slope(judged, s => s.ManagedHeapBytes) / Mb;
        var heapOk = heap < options.MaxHeapGrowthMb;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  managed heap    {heap * 1024,10:0.0} KB  {(heapOk ? "ok" : "FAIL")} (limit {options.MaxHeapGrowthMb:0.###} MB)"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  RSS             {Slope(judged, s => s.RssBytes) / Mb * 1024,10:0.0} KB  (reported, not judged)"));

        var ok = heapOk;
        ok &= Count(output, "threads", judged, s => s.Threads);
        ok &= Count(output, "timers", judged, s => s.Timers);
        if (judged.All(s => s.OpenFiles is not null)) ok &= Count(output, "open files", judged, s => s.OpenFiles!.Value);
        ok &= Count(output, "cached sessions", judged, s => s.CachedSessions);

        output.WriteLine(ok ? "PASS: no growth beyond the limits" : "FAIL: something keeps growing");
        return ok;
    }

    private static bool Count(TextWriter output, string name, List<MemorySample> judged, Func<MemorySample, double> value)
    {
        var half = judged.Count / 2;
        var firstMax = judged.Take(half).Max(value);
        var laterMax = judged.Skip(half).Max(value);
        var bounded = laterMax <= firstMax + Math.Max(2, firstMax * 0.1);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {name,-15} {Slope(judged, value),10:0.0}     {(bounded ? "ok" : "FAIL")} (highest {firstMax:0} in the first half, {laterMax:0} after)"));
        return bounded;
    }

    /// <summary>Least-squares slope of <paramref name="value"/> per 1,000 turns.</summary>
    private static double Slope(List<MemorySample> samples, Func<MemorySample, double> value)
    {
        var meanX = samples.Average(s => (double)s.Turns);
        var meanY = samples.Average(value);
        var covariance = samples.Sum(s => (s.Turns - meanX) * (value(s) - meanY));
        var variance = samples.Sum(s => (s.Turns - meanX) * (s.Turns - meanX));
        return covariance / variance * 1000;
    }
}
