using System.Diagnostics;
using System.Diagnostics.Metrics;
using Promptly.Latency;

namespace Promptly.Observability;

/// <summary>
/// Every metric Promptly records, in one place: the instruments of the <c>Promptly</c> meter, named by OpenTelemetry's
/// semantic conventions where one exists (<c>gen_ai.*</c>) and in the project's own <c>promptly.*</c> namespace
/// otherwise, with units and low-cardinality attributes only (interview type, channel, phase, provider, cause; never a
/// session or a candidate). Recording is a few hundred nanoseconds with an exporter listening and next to nothing
/// without one.
/// </summary>
/// <remarks>
/// The features hand over facts (a finished record, a provider call, an ended interview); the attribute names and
/// their values are decided here. Gauges read what features expose through the <c>Observe</c> methods.
/// </remarks>
internal sealed class PromptlyInstruments
{
    public const string MeterName = "Promptly";

    /// <summary>Seconds, the unit of every duration here as OpenTelemetry's conventions ask.</summary>
    public const string Seconds = "s";

    // Instrument names, shared with the exporter's views (bucket boundaries) and the Prometheus rules file.
    public const string ResponseDuration = "promptly.interviewer.response.duration";
    public const string PhaseDuration = "promptly.interviewer.phase.duration";
    public const string Responses = "promptly.interviewer.responses";

    // Attribute names.
    public const string InterviewType = "promptly.interview_type";
    public const string Channel = "promptly.channel";
    public const string Outcome = "promptly.budget.outcome";
    public const string Phase = "promptly.phase";
    public const string Cause = "promptly.fallback.cause";
    public const string ErrorType = "error.type";
    public const string Provider = "gen_ai.provider.name";
    public const string Guide = "promptly.guide";

    /// <summary>Values of <see cref="Outcome"/>: within the budget, over it, or failed (never within).</summary>
    public const string Within = "within", Over = "over", Failed = "failed";

    private readonly Meter _meter;
    private readonly Histogram<double> _responseDuration;
    private readonly Histogram<double> _phaseDuration;
    private readonly Counter<long> _responses;
    private readonly Counter<long> _fallbacks;
    private readonly Counter<long> _providerCalls;
    private readonly Counter<long> _providerRetries;
    private readonly Histogram<long> _commitSize;
    private readonly Counter<long> _errors;
    private readonly Counter<long> _interviewsStarted;
    private readonly Counter<long> _interviewsEnded;
    private readonly Histogram<double> _interviewDuration;
    private readonly Histogram<double> _elementCoverage;
    private readonly Histogram<double> _orphanRatio;

    public PromptlyInstruments(IMeterFactory meters)
    {
        _meter = meters.Create(MeterName);
        _responseDuration = _meter.CreateHistogram<double>(ResponseDuration, Seconds,
            "Interviewer response time, from the request's arrival to the response being ready (the latency budget's measure).");
        _phaseDuration = _meter.CreateHistogram<double>(PhaseDuration, Seconds, "Time of each phase of an interviewer response.");
        _responses = _meter.CreateCounter<long>(Responses, "{response}",
            "Interviewer responses by how they did against the budget in force: within, over, or failed.");
        _fallbacks = _meter.CreateCounter<long>("promptly.interviewer.fallbacks", "{response}",
            "Responses whose words came from the script instead of the model, by cause.");
        _providerCalls = _meter.CreateCounter<long>("promptly.provider.calls", "{call}", "Calls to the model provider, by outcome.");
        _providerRetries = _meter.CreateCounter<long>("promptly.provider.retries", "{retry}", "Attempts at a model call after the first.");
        _commitSize = _meter.CreateHistogram<long>("promptly.storage.commit.size", "{write}",
            "Writes committed together by one transaction of the single writer (group commit).",
            advice: new InstrumentAdvice<long> { HistogramBucketBoundaries = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512] });
        _errors = _meter.CreateCounter<long>("promptly.errors", "{error}",
            "Responses that failed, and severe budget violations (each one an entry of the error log), by type.");
        _interviewsStarted = _meter.CreateCounter<long>("promptly.interviews.started", "{interview}", "Interviews started, by guide and interview type.");
        _interviewsEnded = _meter.CreateCounter<long>("promptly.interviews.ended", "{interview}",
            "Interviews that ended, completed or abandoned, by guide and interview type.");
        _interviewDuration = _meter.CreateHistogram<double>("promptly.interview.duration", Seconds, "From an interview's start to its end.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [30, 60, 120, 300, 600, 900, 1200, 1800, 2700, 3600, 7200] });
        _elementCoverage = _meter.CreateHistogram<double>("promptly.interview.element_coverage", "1",
            "Share of the guide's elements the candidate's answers reached, at the interview's end.", advice: Ratios);
        _orphanRatio = _meter.CreateHistogram<double>("promptly.interview.orphan_ratio", "1",
            "Share of the concept graph's elements linked to no other, at the interview's end.", advice: Ratios);
    }

    private static readonly InstrumentAdvice<double> Ratios = new() { HistogramBucketBoundaries = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 1] };

    /// <summary>A finished interviewer response: its time, its phases, its verdict and its fallback.</summary>
    public void Response(LatencyRecord record)
    {
        var seconds = new TagList { { InterviewType, record.InterviewType }, { Channel, record.Channel } };
        if (_phaseDuration.Enabled)
        {
            foreach (var phase in record.Phases)
            {
                var tags = seconds;
                tags.Add(Phase, phase.Name);
                _phaseDuration.Record(phase.Ms / 1000, tags);
            }
        }

        var outcome = seconds;
        outcome.Add(Outcome, record.Failed ? Failed : record.ExceededThreshold ? Over : Within);
        _responses.Add(1, outcome);
        // A failed response is never within the budget: marked so that compliance read from the buckets leaves it out.
        if (record.Failed) seconds.Add(ErrorType, Failed);
        _responseDuration.Record(record.ResponseTimeMs / 1000, seconds);

        if (record.Failed) _errors.Add(1, new KeyValuePair<string, object?>("promptly.error.type", "response_failed"));
        if (record.Severe) _errors.Add(1, new KeyValuePair<string, object?>("promptly.error.type", "latency_violation"));
        if (record.FallbackCause is { } causes)
        {
            foreach (var cause in causes.Split("; "))
            {
                _fallbacks.Add(1, new KeyValuePair<string, object?>(Cause, CauseName(cause)));
            }
        }
    }

    /// <summary>The kind of a fallback cause ("timeout: no first token in 1200 ms" → "timeout"): the label, never the detail.</summary>
    private static string CauseName(string cause)
    {
        var end = cause.IndexOf(':');
        return end > 0 ? cause[..end] : cause;
    }

    /// <summary>One attempt at a model call ended: <paramref name="outcome"/> is <c>ok</c>, or the failure's kind.</summary>
    public void ProviderCall(string provider, string outcome) =>
        _providerCalls.Add(1, new KeyValuePair<string, object?>(Provider, provider), new("promptly.provider.outcome", outcome));

    public void ProviderRetry(string provider) => _providerRetries.Add(1, new KeyValuePair<string, object?>(Provider, provider));

    public void Committed(int writes) => _commitSize.Record(writes);

    public void InterviewStarted(string guide, string interviewType) =>
        _interviewsStarted.Add(1, new KeyValuePair<string, object?>(Guide, guide), new(InterviewType, interviewType));

    /// <summary>An interview ended: <paramref name="completed"/> false when it was abandoned.</summary>
    public void InterviewEnded(string guide, string interviewType, bool completed, TimeSpan duration, double? elementCoverage, double? orphanRatio)
    {
        var tags = new TagList { { Guide, guide }, { InterviewType, interviewType } };
        var outcome = tags;
        outcome.Add("promptly.interview.outcome", completed ? "completed" : "abandoned");
        _interviewsEnded.Add(1, outcome);
        _interviewDuration.Record(duration.TotalSeconds, outcome);
        if (!completed) return;
        if (elementCoverage is { } coverage) _elementCoverage.Record(coverage, tags);
        if (orphanRatio is { } orphans) _orphanRatio.Record(orphans, tags);
    }

    /// <summary>A gauge read at each collection, e.g. the writer's queue or the sessions held open.</summary>
    public void Observe(string name, string unit, string description, Func<long> value) =>
        _meter.CreateObservableGauge(name, value, unit, description);

    public void Observe(string name, string unit, string description, Func<double> value) =>
        _meter.CreateObservableGauge(name, value, unit, description);

    /// <summary>A gauge with one value per attribute value (e.g. a breaker's state per provider).</summary>
    public void Observe(string name, string unit, string description, Func<IEnumerable<Measurement<long>>> values) =>
        _meter.CreateObservableGauge(name, values, unit, description);
}
