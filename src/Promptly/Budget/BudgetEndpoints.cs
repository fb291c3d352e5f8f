using System.Text.Json.Serialization;
using Promptly.Http;
using Promptly.Latency;
using Promptly.Access;

namespace Promptly.Budget;

internal static class BudgetEndpoints
{
    public static IEndpointRouteBuilder MapBudget(this IEndpointRouteBuilder app)
    {
        var latency = app.MapGroup("/api/latency").WithTags("Latency").ProducesRequestProblems().RequireOperator();
        latency.MapGet("/slow", SlowAsync).WithQuery("hours", "from", "to", "limit").WithName("SlowResponses").WithSummary("The slowest responses of a window, slowest first.");
        latency.MapGet("/budget", Settings).WithName("GetBudget").WithSummary("The thresholds in force per interview type.");
        latency.MapPut("/budget/{interviewType}", SetOverrideAsync).WithName("SetBudgetOverride")
            .WithSummary("Overrides an interview type's thresholds at run time, without a restart.");
        latency.MapDelete("/budget/{interviewType}", RemoveOverrideAsync).WithName("RemoveBudgetOverride");
        return app;
    }

    private static async Task<Ok<SlowResponses>> SlowAsync(HttpRequest request, ILatencyStore store, TimeProvider time, CancellationToken cancellationToken)
    {
        var window = TimeWindow.Parse(request.Query, defaultHours: 1, time.GetUtcNow());
        var limit = TimeWindow.ParseLimit(request.Query, "limit", fallback: 50, max: 1000);
        var slowest = await store.SlowestAsync(window.From, window.To, limit, cancellationToken);
        return TypedResults.Ok(new SlowResponses(window.From, window.To, [.. slowest.Select(SlowResponse.From)]));
    }

    private static Ok<BudgetSettings> Settings(BudgetPolicy policy) => TypedResults.Ok(BudgetSettings.From(policy));

    private static async Task<Ok<BudgetSettings>> SetOverrideAsync(string interviewType, HttpRequest request, BudgetPolicy policy, ILatencyStore store)
    {
        var type = InterviewType(interviewType);
        var body = await JsonBody.ReadAsync(request, BudgetJson.Default.BudgetOverride);
        if (body.ThresholdMs is null && body.SevereMs is null) throw Problems.BadRequest("Give 'threshold_ms', 'severe_ms' or both.");
        foreach (var (name, value) in new[] { ("threshold_ms", body.ThresholdMs), ("severe_ms", body.SevereMs) })
        {
            if (value is { } v && (!double.IsFinite(v) || v < 1 || v > 600_000)) throw Problems.BadRequest($"'{name}' must be between 1 and 600000 ms.");
        }

        await store.SaveBudgetOverrideAsync(type, body, request.HttpContext.RequestAborted);
        policy.SetOverride(type, body);
        return TypedResults.Ok(BudgetSettings.From(policy));
    }

    private static async Task<Ok<BudgetSettings>> RemoveOverrideAsync(string interviewType, BudgetPolicy policy, ILatencyStore store, CancellationToken cancellationToken)
    {
        var type = InterviewType(interviewType);
        await store.SaveBudgetOverrideAsync(type, null, cancellationToken);
        policy.RemoveOverride(type);
        return TypedResults.Ok(BudgetSettings.From(policy));
    }

    /// <summary>An interview type named in a query, upper-cased; null when none is named.</summary>
    public static string? InterviewTypeFilter(string text) => string.IsNullOrWhiteSpace(text) ? null : InterviewType(text);

    /// <summary>An interview type named in a path or query, upper-cased; a blank one is refused like an unknown one: a path must name the type it changes.</summary>
    private static string InterviewType(string text)
    {
        var type = text.Trim().ToUpperInvariant();
        return InterviewTypes.All.Contains(type)
            ? type
            : throw Problems.BadRequest($"'interview_type' must be one of {string.Join(", ", InterviewTypes.All)}, not '{text}'.");
    }

    /// <summary>A channel named in a query (<see cref="LatencyChannels"/>), lower-cased; null when none is named (every channel).</summary>
    public static string? ChannelFilter(string text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        var channel = text.Trim().ToLowerInvariant();
        return LatencyChannels.All.Contains(channel)
            ? channel
            : throw Problems.BadRequest($"'channel' must be one of {string.Join(", ", LatencyChannels.All)}, not '{text}'.",
                new Dictionary<string, object?> { ["allowed_values"] = LatencyChannels.All });
    }
}

/// <param name="Channels">The channels the figures and responses cover (<c>text</c>, <c>voice</c>): both unless the query named one.</param>
internal sealed record SessionCompliance(
    string SessionId, IReadOnlyList<string> Channels, [property: JsonIgnore] ComplianceReport Compliance, IReadOnlyList<LatencyView> Responses)
{
    /// <param name="channel">Only the responses over this channel; null for all of them.</param>
    public static SessionCompliance Of(string sessionId, IReadOnlyList<LatencyRecord> records, double targetCompliance, string? channel)
    {
        var covered = channel is null ? records : [.. records.Where(r => r.Channel == channel)];
        return new(sessionId, channel is null ? LatencyChannels.All : [channel],
            ComplianceReport.Of([.. covered.Select(r => (r.ResponseTimeMs, r.WithinBudget))], targetCompliance, "Session latency"),
            [.. covered.Select(LatencyView.From)]);
    }

    // The contract names the figures at the top level; they are flattened there for clients that read them directly.
    public int TotalResponses => Compliance.TotalResponses;
    public int WithinBudget => Compliance.WithinBudget;
    public int ExceededBudget => Compliance.ExceededBudget;
    public double? BudgetComplianceRate => Compliance.BudgetComplianceRate;
    public bool MeetsTarget => Compliance.MeetsTarget;
    public double? P50 => Compliance.P50;
    public double? P90 => Compliance.P90;
    public double? P95 => Compliance.P95;
    public double? P99 => Compliance.P99;
    public double? Mean => Compliance.Mean;
    public double? Max => Compliance.Max;
    public string Message => Compliance.Message;
}

internal sealed record SlowResponses(DateTimeOffset From, DateTimeOffset To, IReadOnlyList<SlowResponse> Responses);

internal sealed record SlowResponse(string SessionId, string? Candidate, string InterviewType, string ConceptId, int QuestionNumber,
    double ResponseTimeMs, double AiProcessingTimeMs, Dictionary<string, double> Phases, double ThresholdMs, bool ExceededThreshold, bool Failed,
    string? Error, DateTimeOffset Timestamp, bool Fallback, string? FallbackCause, string Channel, string? TraceId)
{
    public static SlowResponse From(LatencyRecord r)
    {
        var view = LatencyView.From(r);
        return new SlowResponse(r.SessionId, r.Candidate, r.InterviewType, r.ConceptId, r.QuestionNumber, view.ResponseTimeMs, view.AiProcessingTimeMs,
            view.Phases, r.ThresholdMs, r.ExceededThreshold, r.Failed, r.Error, r.Timestamp, r.Fallback, r.FallbackCause, r.Channel, r.TraceId);
    }
}

/// <summary>The budget in force: defaults, and the effective thresholds of each interview type.</summary>
internal sealed record BudgetSettings(double ThresholdMs, double SevereMs, double TargetCompliance, Dictionary<string, BudgetThresholdsView> InterviewTypes,
    Dictionary<string, BudgetOverride> RuntimeOverrides)
{
    public static BudgetSettings From(BudgetPolicy policy)
    {
        var options = policy.Options;
        return new BudgetSettings(options.ThresholdMs, options.SevereMs, options.TargetCompliance,
            Budget.InterviewTypes.All.ToDictionary(t => t, t => { var b = policy.For(t); return new BudgetThresholdsView(b.ThresholdMs, b.SevereMs); }),
            policy.RuntimeOverrides.ToDictionary(p => p.Key, p => p.Value));
    }
}

internal sealed record BudgetThresholdsView(double ThresholdMs, double SevereMs);
