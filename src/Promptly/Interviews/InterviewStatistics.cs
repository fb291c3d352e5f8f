using Microsoft.Extensions.Options;

namespace Promptly.Interviews;

/// <summary>
/// The interviews themselves (issue 14): started, completed, abandoned and still going, duration, element coverage and
/// orphan ratio at completion, per guide and interview type, from one read of the sessions started in the window.
/// </summary>
/// <remarks>
/// Nothing marks an idle interview: it stays open, so a candidate who comes back goes on. Whether it counts as
/// abandoned is decided here, on each read, from its last message and <see cref="InterviewOptions.AbandonAfterMinutes"/>.
/// </remarks>
internal sealed class InterviewStatistics(IInterviewStatsStore store, IOptions<InterviewOptions> options, TimeProvider time)
{
    public const int DefaultDays = 7;
    public const int MaxDays = 365;

    /// <summary>The interviews started in the last <paramref name="days"/> × 24 hours.</summary>
    public async Task<InterviewStatsReport> ReadAsync(int days, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(days, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(days, MaxDays);
        var now = time.GetUtcNow();
        var from = now - TimeSpan.FromDays(days);
        var abandonAfter = options.Value.AbandonAfterMinutes;
        var tally = new InterviewTally(now - TimeSpan.FromMinutes(abandonAfter));
        await foreach (var session in store.SessionOutcomesAsync(from, cancellationToken))
        {
            tally.Add(session);
        }

        var (total, guides) = tally.Figures();
        return new InterviewStatsReport(days, from, now, abandonAfter, total, guides);
    }
}
