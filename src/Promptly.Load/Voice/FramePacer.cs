namespace Promptly.Load.Voice;

/// <summary>A stream of audio frames that a <see cref="FramePacer"/> keeps in real time.</summary>
internal interface IPacedStream
{
    /// <summary><paramref name="frames"/> more frames are due now (usually 1; more when the tick came late).</summary>
    void Tick(int frames);
}

/// <summary>
/// One timer loop that keeps every stream of a voice load in real time: each tick hands every stream the frames that
/// came due since the last tick, counted from the start, so a late tick is made up at the next one and no stream drifts.
/// </summary>
/// <remarks>
/// One loop for 500 streams instead of 500 <c>Task.Delay</c> loops: one timer wake-up per 20 ms, not 25,000 a second,
/// which on a 2-core machine would take from the server it measures. Streams may be added and removed from any thread
/// while it runs; each tick walks a snapshot.
/// </remarks>
internal sealed class FramePacer(TimeProvider time, int frameMs)
{
    private readonly Lock _sync = new();
    private IPacedStream[] _streams = [];

    public void Add(IPacedStream stream)
    {
        lock (_sync) _streams = [.. _streams, stream];
    }

    public void Remove(IPacedStream stream)
    {
        lock (_sync) _streams = [.. _streams.Where(s => s != stream)];
    }

    /// <summary>Ticks until <paramref name="cancellationToken"/> is cancelled.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var period = TimeSpan.FromMilliseconds(frameMs);
        using var timer = new PeriodicTimer(period, time);
        var start = time.GetTimestamp();
        long ticks = 0;
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                var due = (long)(time.GetElapsedTime(start) / period);
                var frames = (int)(due - ticks);
                ticks = due;
                if (frames <= 0) continue;
                foreach (var stream in Volatile.Read(ref _streams)) stream.Tick(frames);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }
}
