using Promptly.Latency;

namespace Promptly.Load;

/// <summary>What the run is doing now, for the once-a-second progress line.</summary>
internal sealed record ProgressLine(string Phase, TimeSpan Elapsed, TimeSpan Duration, double Rate, double P50Ms, double P95Ms, double P99Ms, long Errors, int InFlight);

/// <summary>How a stress run ended: the first step over the budget (or with errors), and the last one within it.</summary>
internal sealed record StressOutcome(double? BreakingRate, string? BreakingPhase, string? Reason, double? LastGoodRate, string? LastGoodPhase);

/// <summary>
/// Drives a run. Open and stress runs have one scheduler that starts each request at its intended time without
/// waiting for earlier ones; closed runs keep <see cref="LoadSettings.Connections"/> requests in flight. Every loop
/// is bounded: by the phases' request counts and durations, and by the per-request timeout when draining.
/// </summary>
internal sealed class LoadRunner
{
    // Below this the scheduler spins instead of sleeping: timers on Linux wake about a millisecond late.
    private static readonly TimeSpan SpinBelow = TimeSpan.FromMilliseconds(0.05);
    private static readonly TimeSpan DrainSlack = TimeSpan.FromSeconds(2);

    private readonly LoadSettings _settings;
    private readonly LoadTarget _target;
    private readonly TimeProvider _time;
    private readonly WeightedChoice _choice;
    private readonly SemaphoreSlim _slots;
    private readonly TimeoutSlots _timeouts;
    private readonly long[] _phaseStart;
    private readonly long[] _phaseEnd;
    private readonly PhaseVerdict?[] _verdicts;
    private readonly bool[] _slotsRanOut;
    private int _inFlight;
    private int _peakInFlight;
    // Closed runs with a request count: the requests claimed so far.
    private long _claimed;
    private volatile int _phase;

    public LoadRunner(LoadSettings settings, LoadTarget target, TimeProvider time)
    {
        _settings = settings;
        _target = target;
        _time = time;
        _choice = new WeightedChoice([.. settings.Scenarios.Select(s => s.Weight)]);
        _slots = new SemaphoreSlim(settings.MaxInFlight, settings.MaxInFlight);
        _timeouts = new TimeoutSlots(settings.Timeout, time);
        Recorder = new LoadRecorder(settings.Scenarios.Count, settings.Phases.Count);
        _phaseStart = new long[settings.Phases.Count];
        _phaseEnd = new long[settings.Phases.Count];
        _verdicts = new PhaseVerdict?[settings.Phases.Count];
        _slotsRanOut = new bool[settings.Phases.Count];
    }

    public LoadRecorder Recorder { get; }

    public StressOutcome? Stress { get; private set; }

    /// <summary>Phases that ran (a stress run stops early).</summary>
    public int PhasesRun { get; private set; }

    public int PeakInFlight => Volatile.Read(ref _peakInFlight);

    /// <summary>Whether phase <paramref name="phase"/> kept the budget; judged once, when its requests have finished.</summary>
    public PhaseVerdict Verdict(int phase) => _verdicts[phase] ?? throw new InvalidOperationException($"Phase {phase} has not been judged: it did not run, or the run is not over.");

    /// <summary>How long phase <paramref name="phase"/> lasted (zero if it did not run).</summary>
    public TimeSpan PhaseElapsed(int phase) =>
        _phaseStart[phase] == 0 ? TimeSpan.Zero : _time.GetElapsedTime(_phaseStart[phase], _phaseEnd[phase] == 0 ? _time.GetTimestamp() : _phaseEnd[phase]);

    public async Task RunAsync(Action<ProgressLine>? progress, CancellationToken cancellationToken)
    {
        using var stopProgress = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var ticker = progress is null ? Task.CompletedTask : ReportProgressAsync(progress, stopProgress.Token);
        try
        {
            if (_settings.Mode == LoadMode.Closed) await RunClosedAsync(cancellationToken);
            else await RunOpenAsync(cancellationToken);
        }
        finally
        {
            await DrainAsync();
            await stopProgress.CancelAsync();
            await ticker;
            Recorder.Harvest();
            for (var p = 0; p < PhasesRun; p++) _verdicts[p] ??= PhaseVerdict.Of(_settings, Recorder, p, PhaseElapsed(p), _slotsRanOut[p]);
        }
    }

    private async Task RunOpenAsync(CancellationToken cancellationToken)
    {
        var random = new Random(_settings.Seed);
        for (var p = 0; p < _settings.Phases.Count; p++)
        {
            var phase = _settings.Phases[p];
            _phase = p;
            PhasesRun = p + 1;
            var start = _time.GetTimestamp();
            _phaseStart[p] = start;
            var count = phase.RequestCount;
            for (long i = 0; i < count; i++)
            {
                var intended = OpenSchedule.IntendedTimestamp(start, i, phase.Rate, _time.TimestampFrequency);
                if (_time.GetTimestamp() < intended) await WaitUntilAsync(intended, cancellationToken);
                if (_slots.CurrentCount == 0) _slotsRanOut[p] = true;
                await _slots.WaitAsync(cancellationToken);
                Recorder.CountScheduled(p);
                Dispatch(random, p, intended);
            }

            await WaitUntilAsync(start + (long)(phase.Duration.TotalSeconds * _time.TimestampFrequency), cancellationToken);
            _phaseEnd[p] = _time.GetTimestamp();
            if (_settings.Mode == LoadMode.Stress && !await StepKeptBudgetAsync(p)) return;
        }

        if (_settings.Mode == LoadMode.Stress)
        {
            var last = _settings.Phases[^1];
            Stress = new StressOutcome(null, null, null, last.Rate, last.Name);
        }
    }

    /// <summary>Starts one request without waiting for it; it holds a slot until it completes.</summary>
    private void Dispatch(Random random, int phase, long intended)
    {
        var (s, kind, session, ready) = Choose(random);
        if (!ready)
        {
            Recorder[s, phase].Skip();
            _slots.Release();
            return;
        }

        var inFlight = Interlocked.Increment(ref _inFlight);
        if (inFlight > _peakInFlight) Volatile.Write(ref _peakInFlight, inFlight);
        _ = RunOneAsync(s, phase, kind, session, intended);
    }

    /// <summary>
    /// The next scenario by weight, with the session it needs (any known one to read, a free one to take a turn);
    /// not ready when there is no such session yet.
    /// </summary>
    private (int Scenario, ScenarioKind Kind, InterviewSession? Session, bool Ready) Choose(Random random)
    {
        var s = _choice.Pick(random);
        var kind = _settings.Scenarios[s].Kind;
        var session = kind switch
        {
            ScenarioKind.GetInterview => _target.Pool.Any(random),
            ScenarioKind.TakeTurn => _target.Pool.TakeFree(),
            _ => null,
        };
        return (s, kind, session, session is not null || kind is not (ScenarioKind.GetInterview or ScenarioKind.TakeTurn));
    }

    private async Task RunOneAsync(int scenario, int phase, ScenarioKind kind, InterviewSession? session, long intended)
    {
        try
        {
            await MeasureAsync(scenario, phase, kind, session, intended);
        }
        catch (Exception e)
        {
            Recorder[scenario, phase].Failed(e.GetType().Name);
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
            _slots.Release();
        }
    }

    /// <summary>Sends one request and records its latency from <paramref name="intended"/>, whatever delayed the send.</summary>
    private async Task MeasureAsync(int scenario, int phase, ScenarioKind kind, InterviewSession? session, long intended)
    {
        var cell = Recorder[scenario, phase];
        var sent = _time.GetTimestamp();
        Recorder.RecordLag(phase, Micros(sent - intended));
        var left = _settings.Timeout - _time.GetElapsedTime(intended, sent);
        if (left <= TimeSpan.Zero)
        {
            cell.Failed("timeout");
            return;
        }

        var outcome = await _target.SendAsync(kind, session, _timeouts.For(intended));
        var done = _time.GetTimestamp();
        if (outcome.Ok) cell.Succeeded(Micros(done - intended), Micros(done - sent), outcome.ServerMs);
        else cell.Failed(outcome.Error!);
    }

    private async Task RunClosedAsync(CancellationToken cancellationToken)
    {
        var start = _time.GetTimestamp();
        _phaseStart[0] = start;
        PhasesRun = 1;
        var end = start + (long)(_settings.Phases[0].Duration.TotalSeconds * _time.TimestampFrequency);
        var workers = Enumerable.Range(0, _settings.Connections).Select(w => Task.Run(() => WorkAsync(new Random(_settings.Seed + 1 + w), end, cancellationToken)));
        await Task.WhenAll(workers);
        _phaseEnd[0] = _time.GetTimestamp();
    }

    private async Task WorkAsync(Random random, long end, CancellationToken cancellationToken)
    {
        var inFlight = Interlocked.Increment(ref _inFlight);
        if (inFlight > _peakInFlight) Volatile.Write(ref _peakInFlight, inFlight);
        try
        {
            while (_time.GetTimestamp() < end && !cancellationToken.IsCancellationRequested && Claim())
            {
                var (s, kind, session, ready) = Choose(random);
                Recorder.CountScheduled(0);
                if (!ready)
                {
                    // No session to use: count it and let the other scenarios (create_interview) catch up. A skip is
                    // not a request sent: its claim goes back.
                    Recorder[s, 0].Skip();
                    if (_settings.Requests > 0) Interlocked.Decrement(ref _claimed);
                    await Task.Delay(TimeSpan.FromMilliseconds(1), _time, cancellationToken);
                    continue;
                }

                await MeasureAsync(s, 0, kind, session, _time.GetTimestamp());
            }
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    /// <summary>Whether a closed run may send one more request: always, unless its count is used up.</summary>
    private bool Claim() => _settings.Requests == 0 || Interlocked.Increment(ref _claimed) <= _settings.Requests;

    /// <summary>
    /// Waits for the step's requests to finish, then judges it (<see cref="PhaseVerdict"/>): a step that missed the
    /// budget ends the stress run (false).
    /// </summary>
    private async Task<bool> StepKeptBudgetAsync(int p)
    {
        await DrainAsync();
        Recorder.Harvest();
        var verdict = _verdicts[p] = PhaseVerdict.Of(_settings, Recorder, p, PhaseElapsed(p), _slotsRanOut[p]);
        if (verdict.WithinBudget) return true;
        var phase = _settings.Phases[p];
        var previous = p > 0 ? _settings.Phases[p - 1] : null;
        Stress = new StressOutcome(phase.Rate, phase.Name, verdict.MissedBecause, previous?.Rate, previous?.Name);
        return false;
    }

    /// <summary>Waits until no request is in flight, at most the request timeout and a little more.</summary>
    private async Task DrainAsync()
    {
        var deadline = _time.GetTimestamp() + (long)((_settings.Timeout + DrainSlack).TotalSeconds * _time.TimestampFrequency);
        while (Volatile.Read(ref _inFlight) > 0 && _time.GetTimestamp() < deadline)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(5), _time, CancellationToken.None);
        }
    }

    private async Task WaitUntilAsync(long timestamp, CancellationToken cancellationToken)
    {
        var spin = new SpinWait();
        while (true)
        {
            var left = _time.GetElapsedTime(_time.GetTimestamp(), timestamp);
            if (left <= TimeSpan.Zero) return;
            if (left > SpinBelow)
            {
                // Timers fire late, never early; whole milliseconds, since a sub-millisecond delay rounds to none.
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Max(1, Math.Floor(left.TotalMilliseconds))), _time, cancellationToken);
            }
            else
            {
                spin.SpinOnce(sleep1Threshold: -1);
            }
        }
    }

    private async Task ReportProgressAsync(Action<ProgressLine> progress, CancellationToken stop)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1), _time);
        var lastCompleted = 0L;
        var lastPhase = -1;
        var last = _time.GetTimestamp();
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
            {
                Recorder.Harvest();
                var p = _phase;
                var completed = Recorder.Completed(p);
                var now = _time.GetTimestamp();

                // A new phase's rate counts from its own start, not from the previous tick.
                if (p != lastPhase) (lastCompleted, last) = (0, _phaseStart[p]);
                var rate = (completed - lastCompleted) / Math.Max(1e-3, _time.GetElapsedTime(last, now).TotalSeconds);
                (lastCompleted, lastPhase, last) = (completed, p, now);
                var latency = Recorder.PhaseLatency(p);
                var phase = _settings.Phases[p];
                progress(new ProgressLine(phase.Name, PhaseElapsed(p), phase.Duration, rate,
                    LatencyHistograms.ValueAtPercentileMs(latency, 50), LatencyHistograms.ValueAtPercentileMs(latency, 95),
                    LatencyHistograms.ValueAtPercentileMs(latency, 99), Recorder.Errors(p), Volatile.Read(ref _inFlight)));
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private long Micros(long ticks) => ticks <= 0 ? 0 : (long)(ticks * 1_000_000.0 / _time.TimestampFrequency);
}
