using System.Text.RegularExpressions;
using Promptly.Http;

namespace Promptly.Analytics;

/// <summary>What an analytics query is about: <c>days</c> or <c>from</c>/<c>to</c>, and an optional source and interview type.</summary>
internal partial record AnalyticsRequest(int? Days = null, DateTimeOffset? From = null, DateTimeOffset? To = null, string? Source = null, string? InterviewType = null)
{
    public const int DefaultDays = 7;
    public const int MaxDays = 3650;

    /// <summary>Hourly trends read one digest per hour: a month of them is plenty for a chart.</summary>
    public const int MaxHourlyTrendDays = 31;

    /// <summary>A source or interview type name: letters, digits, '.', '_', '-', at most 64 characters.</summary>
    // \z, not $: $ also matches before a final newline, which would let "ci\n" through as a name.
    [GeneratedRegex(@"^[A-Za-z0-9._-]{1,64}\z")]
    public static partial Regex NamePattern();

    /// <summary>The problem with this request at <paramref name="now"/>, or null when it can be answered.</summary>
    public string? Problem(DateTimeOffset now)
    {
        if (Days is not null && (From is not null || To is not null)) return "Give either 'days' or 'from'/'to', not both.";
        if (Days is <= 0 or > MaxDays) return $"'days' must be a whole number from 1 to {MaxDays}.";
        // Without 'to' the window ends now, so a 'from' in the future would be an inverted, empty window.
        if (From is { } from && (To ?? now) is var end && from > end) return TimeWindow.Inverted(from, end, toGiven: To is not null);
        if (Source is not null && !NamePattern().IsMatch(Source)) return "'source' must be 1 to 64 letters, digits, '.', '_' or '-'.";
        if (InterviewType is not null && !NamePattern().IsMatch(InterviewType)) return "'interview_type' must be 1 to 64 letters, digits, '.', '_' or '-'.";
        return null;
    }

    /// <summary>The problem with asking for trends at <paramref name="interval"/> over this window, or null.</summary>
    public string? TrendProblem(TrendInterval interval, DateTimeOffset now) =>
        interval == TrendInterval.Hour && Window(now) is var window && window.To - window.From > TimeSpan.FromDays(MaxHourlyTrendDays)
            ? $"Hourly trends cover at most {MaxHourlyTrendDays} days; ask for daily ones over longer windows."
            : null;

    /// <summary>"day" (the default when empty) or "hour", in any case; null for anything else.</summary>
    public static TrendInterval? ParseInterval(string? text) => text?.ToLowerInvariant() switch
    {
        null or "" or "day" => TrendInterval.Day,
        "hour" => TrendInterval.Hour,
        _ => null,
    };

    public AnalyticsWindow Window(DateTimeOffset now) => From is null && To is null
        ? AnalyticsWindow.LastDays(Days ?? DefaultDays, now)
        : AnalyticsWindow.Between(From ?? (To ?? now).AddDays(-DefaultDays), To ?? now);
}

/// <summary>The interval of a trend.</summary>
internal enum TrendInterval
{
    Day,
    Hour,
}
