namespace Promptly.Interviews;

/// <summary>Reads what the interview statistics are computed from; <see cref="InterviewStatistics"/> decides what each session counts as.</summary>
internal interface IInterviewStatsStore
{
    /// <summary>Every session started at or after <paramref name="since"/>, erased ones included, read in one snapshot.</summary>
    IAsyncEnumerable<SessionOutcome> SessionOutcomesAsync(DateTimeOffset since, CancellationToken cancellationToken);
}

/// <summary>Where one session got to: the facts of its row, no transcript.</summary>
/// <param name="LastActivity">When its last message was stored; read for open sessions only, null otherwise.</param>
/// <param name="ElementCoverage">Stored by the turn that completed it; null for any other session.</param>
internal readonly record struct SessionOutcome(
    string ConceptId, string InterviewType, string Status, DateTimeOffset CreatedAt, DateTimeOffset? EndedAt, DateTimeOffset? LastActivity,
    int QuestionNumber, double? ElementCoverage, double? OrphanRatio);
