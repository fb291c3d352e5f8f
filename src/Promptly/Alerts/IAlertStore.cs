namespace Promptly.Alerts;

/// <summary>What the burn-rate alerts read: exact response counts per interview type and window.</summary>
internal interface IAlertStore
{
    /// <summary>
    /// In one read, for each interview type of <paramref name="interviewTypes"/>: the responses stored from each of
    /// <paramref name="windowStarts"/> up to <paramref name="until"/> (inclusive), and how many of them were within
    /// budget (not failed, not over the threshold in force for them). Counts are indexed as the starts.
    /// </summary>
    Task<IReadOnlyDictionary<string, ResponseCounts[]>> CountResponsesAsync(
        IReadOnlyList<string> interviewTypes, IReadOnlyList<DateTimeOffset> windowStarts, DateTimeOffset until, CancellationToken cancellationToken);
}

/// <summary>Responses of a window, and how many were within budget.</summary>
internal readonly record struct ResponseCounts(long Total, long Within)
{
    public long Bad => Total - Within;
}
