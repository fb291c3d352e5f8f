using System.Diagnostics;

namespace Promptly.Latency;

/// <summary>
/// Traces of interviewer responses: one span per response, from the request's arrival to the response being ready,
/// with one child span per phase laid end to end as the phases ran, so the children add up to the response. The
/// response's span is current while the response is worked on, so spans started meanwhile (the model call, made by
/// its own instrumentation) are its children. Nothing is built unless a tracer listens to <see cref="SourceName"/>.
/// </summary>
public static class LatencyTracing
{
    public const string SourceName = "Promptly";

    /// <summary>The name of a response's span; its children are named by their phase (<c>load</c>, <c>ai</c>, …).</summary>
    public const string ResponseSpan = "interviewer.response";

    private static readonly ActivitySource Source = new(SourceName);

    /// <summary>Starts the span of a response and makes it current; null when no tracer listens.</summary>
    internal static Activity? Start(LatencySubject subject, int questionNumber, string channel, BudgetThresholds thresholds)
    {
        if (!Source.HasListeners()) return null;
        var span = Source.StartActivity(ResponseSpan, ActivityKind.Internal);
        if (span is null) return null;
        span.SetTag("promptly.session.id", subject.SessionId);
        span.SetTag("promptly.question_number", questionNumber);
        span.SetTag("promptly.interview_type", subject.InterviewType);
        span.SetTag("promptly.channel", channel);
        span.SetTag("promptly.budget.threshold_ms", thresholds.ThresholdMs);
        return span;
    }

    /// <summary>
    /// Ends the span of <paramref name="record"/>'s response: its time is the record's, its children the record's
    /// phases, and it says whether the budget was exceeded and whether the response failed.
    /// </summary>
    internal static void Finish(Activity span, LatencyRecord record)
    {
        var end = record.Timestamp.UtcDateTime;
        var start = end - TimeSpan.FromMilliseconds(record.ResponseTimeMs);
        span.SetStartTime(start);
        span.SetTag("promptly.response_time_ms", record.ResponseTimeMs);
        span.SetTag("promptly.budget.exceeded", record.ExceededThreshold);
        if (record.FallbackCause is { } cause) span.SetTag("promptly.fallback.cause", cause);
        if (record.Failed) span.SetStatus(ActivityStatusCode.Error, record.Error);

        // Children are started with the span as parent but must not stay current: the caller's flow keeps its own.
        var current = Activity.Current;
        var at = start;
        foreach (var phase in record.Phases)
        {
            var until = at + TimeSpan.FromMilliseconds(phase.Ms);
            using (var child = Source.StartActivity(phase.Name, ActivityKind.Internal, span.Context, startTime: at))
            {
                child?.SetEndTime(until);
            }

            at = until;
        }

        span.SetEndTime(end);
        span.Stop();
        Activity.Current = current == span ? span.Parent : current;
    }
}
