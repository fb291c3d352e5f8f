namespace Promptly.Interviews;

/// <summary>The interviews started in a window: per guide and interview type, and in total.</summary>
/// <param name="AbandonAfterMinutes">An open interview idle this long counts as abandoned (<see cref="InterviewOptions.AbandonAfterMinutes"/>).</param>
internal sealed record InterviewStatsReport(
    int Days, DateTimeOffset From, DateTimeOffset To, int AbandonAfterMinutes, InterviewFigures Total, IReadOnlyList<InterviewFigures> Guides);

/// <summary>
/// The figures of one guide and interview type (both null in the total). Durations, coverage, orphan ratio and
/// questions are of completed interviews; a figure with nothing to measure is null.
/// </summary>
/// <param name="Abandoned">Ended early (<c>POST /sessions/{id}/end</c>), erased before completing, or open with no turn for the abandon time.</param>
/// <param name="CompletionRate">Completed / (completed + abandoned): interviews still going are left out.</param>
internal sealed record InterviewFigures(
    string? ConceptId,
    string? InterviewType,
    int Started,
    int Completed,
    int Abandoned,
    int Active,
    double? CompletionRate,
    double? DurationP50Seconds,
    double? DurationP95Seconds,
    double? ElementCoverageMean,
    double? OrphanRatioMean,
    double? QuestionsAnsweredMean);
