using Promptly.Storage;

namespace Promptly.Budget;

/// <summary>
/// Times one interviewer response and records it when disposed:
/// <code>
/// await using var tracker = budget.Start(subject, arrival);
/// using (tracker.Phase(LatencyPhases.Ai)) { ... }
/// tracker.Succeeded();
/// </code>
/// Disposing without <see cref="Succeeded"/> (an exception left the block) records the response as failed; the
/// exception is not swallowed. <see cref="DisposeAsync"/> returns once the record is durably stored, so a response
/// built after it never reports a record that could be lost.
/// <para>
/// A response that is itself written to storage hands <see cref="SealWhenWritten"/> to that write instead: the store
/// builds the record inside the response's transaction, one commit makes both durable, and disposing then only
/// reports it.
/// </para>
/// </summary>
/// <remarks>One tracker belongs to one request; it is not thread-safe.</remarks>
public sealed class LatencyTracker : IAsyncDisposable
{
    private readonly LatencyBudget _budget;
    private readonly LatencySubject _subject;
    private readonly long _start;
    private readonly BudgetThresholds _thresholds;
    private readonly List<PhaseTiming> _phases = new(6);
    private bool _succeeded;
    private string? _error;
    private LatencyRecord? _sealed;
    private bool _storedWithResponse;
    private int? _promptTokens;
    private int? _completionTokens;
    private string? _fallbackCause;

    internal LatencyTracker(LatencyBudget budget, LatencySubject subject, int questionNumber, long start, BudgetThresholds thresholds)
    {
        _budget = budget;
        _subject = subject;
        QuestionNumber = questionNumber;
        _start = start;
        _thresholds = thresholds;
    }

    public int QuestionNumber { get; }

    /// <summary>The thresholds this response is held to.</summary>
    public BudgetThresholds Thresholds => _thresholds;

    /// <summary>When the request arrived (<see cref="TimeProvider.GetTimestamp"/>); deadlines count from here.</summary>
    public long StartTimestamp => _start;

    /// <summary>The finished record; null until the tracker is disposed.</summary>
    public LatencyRecord? Record { get; private set; }

    /// <summary>Times a named phase until the returned scope is disposed; repeated names add up.</summary>
    public PhaseScope Phase(string name) => new(this, name, _budget.Time.GetTimestamp());

    /// <summary>Marks the response as produced; without it the record says the response failed.</summary>
    public void Succeeded() => _succeeded = true;

    /// <summary>Marks the response as failed with a cause; a later <see cref="Succeeded"/> does not undo it.</summary>
    public void Failed(string error) => _error = error;

    /// <summary>Records the model's token usage with the response.</summary>
    public void Tokens(int? prompt, int? completion)
    {
        _promptTokens = prompt;
        _completionTokens = completion;
    }

    /// <summary>Marks the response as answered from the scripted fallback, with why.</summary>
    public void FellBack(string cause) => _fallbackCause = cause;

    /// <summary>Adds <paramref name="duration"/> to a named phase, for time measured elsewhere.</summary>
    public void AddPhase(string name, TimeSpan duration) => Add(name, duration.TotalMilliseconds);

    /// <summary>Adds a phase that started at <paramref name="startTimestamp"/> and ends now, for work done before the tracker existed.</summary>
    public void AddPhase(string name, long startTimestamp)
    {
        Add(name, _budget.Time.GetElapsedTime(startTimestamp).TotalMilliseconds);
    }

    private void Add(string name, double ms)
    {
        for (var i = 0; i < _phases.Count; i++)
        {
            if (_phases[i].Name == name)
            {
                _phases[i] = new PhaseTiming(name, _phases[i].Ms + ms);
                return;
            }
        }

        _phases.Add(new PhaseTiming(name, ms));
    }

    /// <summary>
    /// Starts the <see cref="LatencyPhases.Persist"/> phase and returns what the store calls inside the response's
    /// transaction: it ends the phase and builds the record. Call <see cref="StoredWithResponse"/> once the write
    /// has committed.
    /// </summary>
    public SealLatency SealWhenWritten()
    {
        var persistStart = _budget.Time.GetTimestamp();
        return () =>
        {
            // Built once: the writer may run a write again (its batch rolled back for another write's failure).
            if (_sealed is not null) return _sealed;
            AddPhase(LatencyPhases.Persist, persistStart);
            return _sealed = Build(failed: _error is not null);
        };
    }

    /// <summary>The sealed record was committed with the response, so disposing does not store it again.</summary>
    public void StoredWithResponse()
    {
        _storedWithResponse = _sealed is not null;
        _succeeded = true;
    }

    public async ValueTask DisposeAsync()
    {
        if (Record is not null) return;
        if (_storedWithResponse)
        {
            Record = _sealed!;
            _budget.Report(Record);
            return;
        }

        var failed = _error is not null || !_succeeded;
        Record = Build(failed);
        await _budget.RecordAsync(Record, storageFailureIsFatal: !failed);
    }

    private LatencyRecord Build(bool failed) =>
        new()
        {
            SessionId = _subject.SessionId,
            Candidate = _subject.Candidate,
            InterviewType = _subject.InterviewType,
            ConceptId = _subject.ConceptId,
            QuestionNumber = QuestionNumber,
            ResponseTimeMs = _budget.Time.GetElapsedTime(_start).TotalMilliseconds,
            AiProcessingTimeMs = SumOf(LatencyPhases.AiFirstToken) + SumOf(LatencyPhases.Ai),
            Phases = [.. _phases],
            ThresholdMs = _thresholds.ThresholdMs,
            SevereMs = _thresholds.SevereMs,
            Failed = failed,
            Error = failed ? _error ?? "the response did not complete" : null,
            PromptTokens = _promptTokens,
            CompletionTokens = _completionTokens,
            FallbackCause = _fallbackCause,
            Timestamp = _budget.Time.GetStoredNow(),
        };

    private double SumOf(string name)
    {
        foreach (var phase in _phases)
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
