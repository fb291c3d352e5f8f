using System.Globalization;
using Promptly.Access;
using Promptly.Http;

namespace Promptly.Interviews;

/// <summary>The interview statistics over HTTP, for operators.</summary>
internal static class InterviewStatsEndpoints
{
    public static IEndpointRouteBuilder MapInterviewStats(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/interviews/stats", StatsAsync).WithQuery("days").RequireOperator().WithTags("Interviews").ProducesRequestProblems().ProducesAccessProblems()
            .WithName("InterviewStats")
            .WithSummary("Interviews started in the last days (default 7): started, completed, abandoned, active, completion rate, duration, coverage and orphan ratio per guide and type.");
        return app;
    }

    private static async Task<Ok<InterviewStatsReport>> StatsAsync(HttpRequest request, InterviewStatistics statistics, CancellationToken cancellationToken) =>
        TypedResults.Ok(await statistics.ReadAsync(Days(request.Query["days"].ToString()), cancellationToken));

    private static int Days(string text)
    {
        if (text.Length == 0) return InterviewStatistics.DefaultDays;
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var days) && days is >= 1 and <= InterviewStatistics.MaxDays
            ? days
            : throw Problems.BadRequest($"'days' must be a whole number from 1 to {InterviewStatistics.MaxDays}, not '{text}'.");
    }
}
