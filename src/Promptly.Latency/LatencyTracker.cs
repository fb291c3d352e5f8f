namespace Promptly.Latency;

/// <summary>
/// Times one response and owns all of its phase arithmetic. There is one protocol:
/// <code>
/// await using var tracker = budget.Start(subject, arrival);
/// using (tracker.Phase(LatencyPhases.Extract)) { ... }
/// var record = await tracker.CommitAsync((seal, ct) => store.AppendTurnAsync(turn with { Latency = seal }, ct), ct);
/// </code>
/// <see cref="CommitAsync"/> hands the write a <see cref="LatencySeal"/>; the store closes it inside the transaction
/// that writes the response, so the record covers everything up to that moment and one commit makes the response and
/// its record durable together. A tracker disposed without a commit (an exception left the block) records the
/// response as failed and has it stored alone; the exception is not swallowed.
/// </summary>
/// <remarks>One tracker belongs to one request; it is not thread-safe.</remarks>
public sealed class LatencyTracker : IAsyncDisposable
{
    private readonly ILatencyRecorder _recorder;
    private readonly TimeProvider _time;
    private readonly LatencySubject _subject;
    private readonly List<PhaseTiming> _phases = new(6);
    // The same time in the order it was added, for a response answered before its end (see AnsweredEarly).
    private readonly List<PhaseTiming> _timeline = new(8);
    private string? _error;
    private int? _promptTokens;
    private int? _completionTokens;
    private string? _fallbackCause;
    private long? _lastPhaseEnd;
    private (long ReadyAt, long SentAt, string Phase)? _answeredEarly;
    private readonly System.Diagnostics.Activity? _span;

    public LatencyTracker(
        ILatencyRecorder recorder, TimeProvider time, LatencySubject subject, int questionNumber, long startTimestamp, BudgetThresholds thresholds,
        string channel = LatencyChannels.Text)
    {
        Channel = channel;
        _recorder = recorder;
        _time = time;
        _subject = subject;
        QuestionNumber = questionNumber;
        StartTimestamp = startTimestamp;
        Thresholds = thresholds;
        _span = LatencyTracing.Start(subject, questionNumber, channel, thresholds);
    }

    public int QuestionNumber { get; }

    /// <summary>How the response is exchanged (<see cref="LatencyChannels"/>).</summary>
    public string Channel { get; }

    /// <summary>The thresholds this response is held to.</summary>
    public BudgetThresholds Thresholds { get; }

    /// <summary>When the request arrived (<see cref="TimeProvider.GetTimestamp"/>); deadlines count from here.</summary>
    public long StartTimestamp { get; }

    /// <summary>The finished record; null until the tracker is committed or disposed.</summary>
    public LatencyRecord? Record { get; private set; }

    /// <summary>
    /// Times a named phase until the returned scope is disposed; repeated names add up. It starts where the previous
    /// timed phase ended, so the phases are contiguous and add up to the response's time: the few instructions
    /// between two phases (or a thread preempted there on a busy machine) belong to the next one rather than to none.
    /// </summary>
    public PhaseScope Phase(string name) => new(this, name, NextPhaseStart());

    /// <summary>
    /// Where the next phase starts: the end of the last timed one, or the response's start when none has been timed
    /// (the first phase takes the time since the request arrived: reading it, authenticating it).
    /// </summary>
    public long NextPhaseStart() => _lastPhaseEnd ?? StartTimestamp;

    /// <summary>Marks the response as failed with a cause; it is still committed when the caller answers anyway (a fallback greeting).</summary>
    public void Failed(string error) => _error = error;

    /// <summary>Records the model's token usage with the response.</summary>
    public void Tokens(int? prompt, int? completion)
    {
        _promptTokens = prompt;
        _completionTokens = completion;
    }

    /// <summary>Marks the response as answered from a fallback, with why; a second fallback (speech after the model's) adds its cause.</summary>
    public void FellBack(string cause) => _fallbackCause = _fallbackCause is null ? cause : $"{_fallbackCause}; {cause}";

    /// <summary>
    /// The candidate got the response's first output at <paramref name="sentAt"/>, before the work behind it ended (a
    /// spoken reply's first sentence, heard while the model still writes the rest and before the turn is stored): the
    /// response's time ends there. Its phases are the ones timed up to <paramref name="readyAt"/>, when what was sent
    /// was ready to be produced (cut there), then <paramref name="phase"/> up to <paramref name="sentAt"/>; what
    /// followed (the rest of the model's time, persist) happened while the candidate was already listening.
    /// </summary>
    /// <remarks>Needs phases that are contiguous from the start, as a transport's are (see <see cref="NextPhaseStart"/>).</remarks>
    public void AnsweredEarly(long readyAt, long sentAt, string phase) => _answeredEarly = (readyAt, sentAt, phase);

    /// <summary>Adds <paramref name="duration"/> to a named phase, for time measured elsewhere.</summary>
    public void AddPhase(string name, TimeSpan duration) => Add(name, duration.TotalMilliseconds);

    /// <summary>Adds a phase that started at <paramref name="startTimestamp"/> and ends now, for work done before the tracker existed.</summary>
    public void AddPhase(string name, long startTimestamp)
    {
        var now = _time.GetTimestamp();
        Add(name, _time.GetElapsedTime(startTimestamp, now).TotalMilliseconds);
        _lastPhaseEnd = now;
    }

    /// <summary>
    /// Splits one interviewer call of <paramref name="elapsed"/> into its phases: time spent handing words to the
    /// client (<paramref name="delivered"/>, when the reply was streamed) is <see cref="LatencyPhases.Stream"/>, the
    /// rest is the model's, split at <paramref name="firstToken"/> into <see cref="LatencyPhases.AiFirstToken"/> and
    /// <see cref="LatencyPhases.Ai"/>. The phases add up to <paramref name="elapsed"/>.
    /// </summary>
    /// <param name="elapsed">The call's whole time.</param>
    /// <param name="delivered">Time spent handing words to the client, when the reply was streamed.</param>
    /// <param name="firstToken">The model's time to its first token, when it streamed.</param>
    /// <param name="end">When the call ended (<see cref="TimeProvider.GetTimestamp"/>), where the next phase starts; now when null.</param>
    public void AddInterviewerCall(TimeSpan elapsed, TimeSpan? delivered, TimeSpan? firstToken, long? end = null)
    {
        var streamed = delivered is { } d ? TimeSpan.FromTicks(Math.Clamp(d.Ticks, 0, elapsed.Ticks)) : TimeSpan.Zero;
        var model = elapsed - streamed;
        if (firstToken is { } first && first <= model)
        {
            AddPhase(LatencyPhases.AiFirstToken, first);
            AddPhase(LatencyPhases.Ai, model - first);
        }
        else
        {
            AddPhase(LatencyPhases.Ai, model);
        }

        if (delivered is not null) AddPhase(LatencyPhases.Stream, streamed);
        _lastPhaseEnd = end ?? _time.GetTimestamp();
    }

    private void Add(string name, double ms)
    {
        _timeline.Add(new PhaseTiming(name, ms));
        Accumulate(_phases, name, ms);
    }

    /// <summary>
    /// Starts the <see cref="LatencyPhases.Persist"/> phase and runs <paramref name="write"/>, which must close the seal
    /// inside the transaction that stores the response. Returns the record once the write has completed (is durable).
    /// </summary>
    /// <exception cref="InvalidOperationException">The write completed without closing the seal.</exception>
    public async Task<LatencyRecord> CommitAsync(Func<LatencySeal, CancellationToken, Task> write, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Record is not null, this);
        // Persist counts from the end of the last timed phase: the bookkeeping between that and the write (building
        // what is written, a first call's JIT) belongs to no other phase, and the phases must add up to the response.
        var seal = new LatencySeal(this, NextPhaseStart());
        await write(seal, cancellationToken);
        Record = seal.Record ?? throw new InvalidOperationException("The write completed without closing the latency seal.");
        Reported(Record);
        return Record;
    }

    internal LatencyRecord Close(long persistStart)
    {
        // One reading of the clock ends both the last phase and the response, so the phases add up to it exactly.
        var end = _time.GetTimestamp();
        Add(LatencyPhases.Persist, _time.GetElapsedTime(persistStart, end).TotalMilliseconds);
        return Build(failed: _error is not null, end);
    }

    public async ValueTask DisposeAsync()
    {
        if (Record is not null) return;
        Record = Build(failed: true, _time.GetTimestamp());
        Reported(Record);
        await _recorder.SaveFailedAsync(Record);
    }

    private void Reported(LatencyRecord record)
    {
        _recorder.Report(record);
        if (_span is not null) LatencyTracing.Finish(_span, record);
    }

    private LatencyRecord Build(bool failed, long end)
    {
        IReadOnlyList<PhaseTiming> phases = _phases;
        if (_answeredEarly is { } early && early.SentAt < end)
        {
            end = early.SentAt;
            phases = Cut(_time.GetElapsedTime(StartTimestamp, early.ReadyAt).TotalMilliseconds, early.Phase, _time.GetElapsedTime(early.ReadyAt, early.SentAt).TotalMilliseconds);
        }

        return new()
        {
            SessionId = _subject.SessionId,
            Candidate = _subject.Candidate,
            InterviewType = _subject.InterviewType,
            ConceptId = _subject.ConceptId,
            QuestionNumber = QuestionNumber,
            Channel = Channel,
            ResponseTimeMs = _time.GetElapsedTime(StartTimestamp, end).TotalMilliseconds,
            AiProcessingTimeMs = SumOf(phases, LatencyPhases.AiFirstToken) + SumOf(phases, LatencyPhases.Ai),
            Phases = [.. phases],
            ThresholdMs = Thresholds.ThresholdMs,
            SevereMs = Thresholds.SevereMs,
            Failed = failed,
            Error = failed ? _error ?? "the response did not complete" : null,
            PromptTokens = _promptTokens,
            CompletionTokens = _completionTokens,
            FallbackCause = _fallbackCause,
            TraceId = _span?.TraceId.ToHexString(),
            Timestamp = _time.GetStoredNow(),
        };
    }

    /// <summary>The phases of the first <paramref name="atMs"/> of the timeline (the one running then cut short), then <paramref name="last"/>.</summary>
    private List<PhaseTiming> Cut(double atMs, string last, double lastMs)
    {
        var phases = new List<PhaseTiming>(_timeline.Count + 1);
        var elapsed = 0.0;
        foreach (var segment in _timeline)
        {
            var ms = Math.Min(segment.Ms, atMs - elapsed);
            if (ms <= 0) break;
            Accumulate(phases, segment.Name, ms);
            elapsed += ms;
        }

        Accumulate(phases, last, lastMs);
        return phases;
    }

    /// <summary>Adds to a named phase; repeated names add up.</summary>
    private static void Accumulate(List<PhaseTiming> phases, string name, double ms)
    {
        for (var i = 0; i < phases.Count; i++)
        {
            if (phases[i].Name == name)
            {
                phases[i] = new PhaseTiming(name, phases[i].Ms + ms);
                return;
            }
        }

        phases.Add(new PhaseTiming(name, ms));
    }

    private static double SumOf(IReadOnlyList<PhaseTiming> phases, string name)
    {
        foreach (var phase in phases)
        {
            if (phase.Name == name) return phase.Ms;
        }

        return 0;
    }
}

/// <summary>A running phase; dispose it to add its time to the tracker. A struct so timing a phase allocates nothing.</summary>
public readonly struct PhaseScope(LatencyTracker tracker, string name, long start) : IDisposable
{
    public void Dispose() => tracker.AddPhase(name, start);
}
