namespace Promptly.Alerts;

/// <summary>
/// What the burn-rate alerts read, exact response counts per interview type and window, and where they record each
/// alert's state, so that of several instances on one database one announces each change.
/// </summary>
internal interface IAlertStore
{
    /// <summary>
    /// In one read, for each interview type of <paramref name="interviewTypes"/>: the responses stored from each of
    /// <paramref name="windowStarts"/> up to <paramref name="until"/> (inclusive), and how many of them were within
    /// budget (not failed, not over the threshold in force for them). Counts are indexed as the starts.
    /// </summary>
    Task<IReadOnlyDictionary<string, ResponseCounts[]>> CountResponsesAsync(
        IReadOnlyList<string> interviewTypes, IReadOnlyList<DateTimeOffset> windowStarts, DateTimeOffset until, CancellationToken cancellationToken);

    /// <summary>
    /// Stores each decision as its alert's state, in one transaction, and says for each whether this call changed it:
    /// null when the stored state already was the decided one (no change, or a change another instance stored first,
    /// and announced), else when the state it ended had begun (<paramref name="at"/> for an alert never stored, which
    /// counts as not firing). Of instances storing the same change at once, exactly one is told it changed it.
    /// </summary>
    Task<IReadOnlyList<DateTimeOffset?>> RecordAlertStatesAsync(IReadOnlyList<AlertDecision> decisions, DateTimeOffset at, CancellationToken cancellationToken);
}

/// <summary>What one evaluation decided for a rule (<see cref="AlertRule.Name"/>) and interview type.</summary>
internal readonly record struct AlertDecision(string Rule, string InterviewType, bool Firing);

/// <summary>Responses of a window, and how many were within budget.</summary>
internal readonly record struct ResponseCounts(long Total, long Within)
{
    public long Bad => Total - Within;
}
