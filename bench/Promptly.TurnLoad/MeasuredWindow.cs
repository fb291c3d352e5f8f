using System.Diagnostics;

namespace Promptly.TurnLoad;

/// <summary>
/// The closed loop's timing, shared by turn runs and calibration runs: the workers start, run through the warm-up
/// uncounted, are counted for the duration, then stop. Workers read <see cref="Measuring"/> to know what counts.
/// </summary>
internal sealed class MeasuredWindow(TurnLoadOptions options)
{
    private volatile bool _measuring;

    public bool Measuring => _measuring;

    /// <summary>Runs <paramref name="work"/> on every connection; returns what each counted and how long counting lasted.</summary>
    public async Task<(T[] Counts, TimeSpan Elapsed)> RunAsync<T>(Func<CancellationToken, Task<T>> work)
    {
        using var stop = new CancellationTokenSource();
        var workers = Enumerable.Range(0, options.Connections).Select(_ => Task.Run(() => work(stop.Token))).ToArray();
        await Task.Delay(options.Warmup);
        _measuring = true;
        var started = Stopwatch.GetTimestamp();
        await Task.Delay(options.Duration);
        _measuring = false;
        var elapsed = Stopwatch.GetElapsedTime(started);
        await stop.CancelAsync();
        return (await Task.WhenAll(workers), elapsed);
    }
}
