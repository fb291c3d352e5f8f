namespace Promptly.Hosting;

/// <summary>
/// Background work done in passes on the server's clock: one pass every <see cref="Period"/> (the first at the start
/// when <see cref="RunsAtStart"/>). A pass that fails is reported through <see cref="OnPassFailed"/> and the next one
/// tries again; the server's stop ends the loop quietly, in a pass or between two.
/// </summary>
/// <remarks>
/// On <see cref="TimeProvider"/>, so tests move the clock rather than wait for it. Passes never overlap: the next period
/// counts from the timer's ticks, and a tick missed while a pass ran is taken once when it ends.
/// </remarks>
internal abstract class PeriodicService(TimeProvider time) : BackgroundService
{
    /// <summary>The clock the passes run on, for the passes' own reading of the time.</summary>
    protected TimeProvider Time { get; } = time;

    protected abstract TimeSpan Period { get; }

    protected virtual bool RunsAtStart => false;

    /// <summary>False to do nothing at all (say, on a read-only database).</summary>
    protected virtual bool Enabled => true;

    protected abstract Task RunPassAsync(CancellationToken cancellationToken);

    /// <summary>Logs a failed pass, saying what waits for the next one.</summary>
    protected abstract void OnPassFailed(Exception e);

    protected sealed override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!Enabled) return;
        using var timer = new PeriodicTimer(Period, Time);
        try
        {
            if (RunsAtStart) await PassAsync(stoppingToken);
            while (await timer.WaitForNextTickAsync(stoppingToken)) await PassAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The server is stopping.
        }
    }

    private async Task PassAsync(CancellationToken stoppingToken)
    {
        try
        {
            await RunPassAsync(stoppingToken);
        }
        catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
        {
            OnPassFailed(e);
        }
    }
}
