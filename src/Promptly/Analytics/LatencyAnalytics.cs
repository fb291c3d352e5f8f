using Microsoft.Extensions.Options;
using Promptly.Budget;

namespace Promptly.Analytics;

/// <summary>
/// Answers the latency analyses. A window small enough (few runs, raw rows still kept) is read exactly; any other
/// is answered by merging the stored digests of its hours and days, plus the few raw runs the rollup has not
/// folded in yet, so the cost depends on the window's length, not on how many runs it holds.
/// </summary>
internal sealed class LatencyAnalytics(IAnalyticsStore store, BudgetPolicy policy, IOptions<AnalyticsOptions> options, TimeProvider time)
{
    private static readonly double[] SummaryPercentiles = [50, 90, 95, 99];

    public async Task<LatencySummary> SummaryAsync(AnalyticsRequest request, CancellationToken cancellationToken)
    {
        var (scope, slices) = await ReadAsync(request, DigestDetail.PhaseMoments, window => window, (_, _, _) => 0, cancellationToken);
        return SummaryOf(scope, slices.GetValueOrDefault(0) ?? LatencySlice.Empty);
    }

    /// <summary>Summary, phase breakdown and bottlenecks from one read of the window, so the three agree.</summary>
    public async Task<LatencyOverview> OverviewAsync(AnalyticsRequest request, double? thresholdMs, CancellationToken cancellationToken)
    {
        var (scope, slice) = await ReadWholeAsync(request, cancellationToken);
        return new LatencyOverview(SummaryOf(scope, slice), PhasesOf(scope, slice), BottleneckAnalysis.Of(scope, slice, thresholdMs ?? scope.BudgetThresholdMs / 2));
    }

    private LatencySummary SummaryOf(AnalyticsScope scope, LatencySlice slice)
    {
        var total = slice.Total;
        var p = total.Percentiles(SummaryPercentiles);
        var slowest = slice.Phases.Where(x => x.Value.Count > 0).OrderByDescending(x => x.Value.Mean).FirstOrDefault();
        double? rate = total.Count == 0 ? null : (double)total.WithinBudget / total.Count;
        var target = policy.TargetCompliance;
        return new LatencySummary(scope, total.Count, Round(total.Mean), Round(p[0]), Round(p[1]), Round(p[2]), Round(p[3]), Round(total.Min),
            Round(total.Max), total.WithinBudget, total.Failed, rate is { } r ? Math.Round(r, 6) : null, target, rate >= target,
            slowest.Key, slowest.Value is { } s ? Round(s.Mean) : null);
    }

    public async Task<PhaseBreakdown> ByPhaseAsync(AnalyticsRequest request, CancellationToken cancellationToken)
    {
        var (scope, slice) = await ReadWholeAsync(request, cancellationToken);
        return PhasesOf(scope, slice);
    }

    private static PhaseBreakdown PhasesOf(AnalyticsScope scope, LatencySlice slice) =>
        new(scope, slice.Total.Count, Round(slice.Total.Mean), PhaseStatsOf(slice));

    public async Task<BottleneckReport> BottlenecksAsync(AnalyticsRequest request, double? thresholdMs, CancellationToken cancellationToken)
    {
        var (scope, slice) = await ReadWholeAsync(request, cancellationToken);
        return BottleneckAnalysis.Of(scope, slice, thresholdMs ?? scope.BudgetThresholdMs / 2);
    }

    public async Task<TrendReport> TrendsAsync(AnalyticsRequest request, TrendInterval interval, CancellationToken cancellationToken)
    {
        var size = interval == TrendInterval.Hour ? BucketSize.Hour : BucketSize.Day;
        var lookBack = TimeSpan.FromMilliseconds(size.Milliseconds() * TrendAnalysis.BaselineIntervals);
        var (scope, slices) = await ReadAsync(request, DigestDetail.Totals, window => window.ExtendedBack(lookBack, size),
            (_, _, ms) => ms - (((ms % size.Milliseconds()) + size.Milliseconds()) % size.Milliseconds()), cancellationToken);
        return TrendAnalysis.Of(scope with { From = scope.From + lookBack }, slices, size, interval.ToString().ToLowerInvariant());
    }

    public async Task<RecommendationReport> RecommendationsAsync(AnalyticsRequest request, CancellationToken cancellationToken)
    {
        var (scope, slices) = await ReadAsync(request, DigestDetail.Full, window => window, (source, _, _) => source, cancellationToken);
        return RecommendationAnalysis.Of(scope, slices);
    }

    /// <summary>
    /// The interviewer's responses of a window, for budget compliance: all of them, by interview type and by channel,
    /// from one read so the three agree. <paramref name="channel"/> limits them to one channel; null reads every channel.
    /// </summary>
    public async Task<InterviewSlices> InterviewSlicesAsync(
        DateTimeOffset from, DateTimeOffset to, string? interviewType, string? channel, CancellationToken cancellationToken)
    {
        var request = new AnalyticsRequest(From: from, To: to, InterviewType: interviewType);
        IReadOnlyList<string> sources = channel is null ? RunSample.ResponseSources : [RunSample.SourceOf(channel)];
        var (scope, snapshot) = await ReadSnapshotAsync(request, sources, DigestDetail.Totals, window => window, cancellationToken);
        return new InterviewSlices(
            scope,
            sources.Select(s => RunSample.ChannelOf(s)!).ToArray(),
            LatencySlice.Build(snapshot, snapshot.Exact, (_, _, _) => 0).GetValueOrDefault(0) ?? LatencySlice.Empty,
            LatencySlice.Build(snapshot, snapshot.Exact, (_, type, _) => type),
            LatencySlice.Build(snapshot, snapshot.Exact, (source, _, _) => RunSample.ChannelOf(source)!));
    }

    /// <summary>Every phase with its figures, slowest p95 first.</summary>
    public static IReadOnlyList<PhaseStats> PhaseStatsOf(LatencySlice slice)
    {
        var allTime = slice.Phases.Values.Sum(p => p.Sum);
        return [.. slice.Phases
            .Select(x =>
            {
                var d = x.Value;
                var p = d.Percentiles(50, 95, 99);
                return new PhaseStats(x.Key, Round(p[0]), Round(p[1]), Round(p[2]), Round(d.Mean), Round(d.Min), Round(d.Max), Round(d.StdDev), d.Count,
                    allTime > 0 ? Math.Round(d.Sum / allTime, 4) : 0);
            })
            .OrderByDescending(s => s.P95Ms)
            .ThenBy(s => s.Phase, StringComparer.Ordinal)];
    }

    private async Task<(AnalyticsScope Scope, LatencySlice Slice)> ReadWholeAsync(AnalyticsRequest request, CancellationToken cancellationToken)
    {
        var (scope, slices) = await ReadAsync(request, DigestDetail.Full, window => window, (_, _, _) => 0, cancellationToken);
        return (scope, slices.GetValueOrDefault(0) ?? LatencySlice.Empty);
    }

    private async Task<(AnalyticsScope Scope, Dictionary<TKey, LatencySlice> Slices)> ReadAsync<TKey>(
        AnalyticsRequest request,
        DigestDetail detail,
        Func<AnalyticsWindow, AnalyticsWindow> shape,
        Func<string, string, long, TKey> groupOf,
        CancellationToken cancellationToken) where TKey : notnull
    {
        var (scope, snapshot) = await ReadSnapshotAsync(request, request.Source is { } source ? [source] : null, detail, shape, cancellationToken);
        return (scope, LatencySlice.Build(snapshot, snapshot.Exact, groupOf));
    }

    /// <param name="sources">The sources to read (the request's own is ignored); null for all.</param>
    private async Task<(AnalyticsScope Scope, AnalyticsSnapshot Snapshot)> ReadSnapshotAsync(
        AnalyticsRequest request,
        IReadOnlyList<string>? sources,
        DigestDetail detail,
        Func<AnalyticsWindow, AnalyticsWindow> shape,
        CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var window = shape(request.Window(now));
        var type = request.InterviewType?.ToUpperInvariant();
        var filter = new RunFilter(sources, type);
        var settings = options.Value;

        // Raw rows answer exactly while they are all still kept and few enough to read in a few milliseconds; the
        // window is the one asked for, so five minutes of a busy hour are still read exactly. The store decides in the
        // read's own snapshot, so the runs it counted are the runs it reads.
        var exactRead = window.RequestedFrom >= now.AddDays(-settings.RawRetentionDays)
            ? new ExactRead(window.RequestedFrom, window.RequestedTo, settings.ExactRunLimit)
            : null;
        var snapshot = await store.ReadAsync(new AnalyticsRead(window.From, window.To, window.Ranges, filter, detail, exactRead), cancellationToken);
        var (from, to) = snapshot.Exact ? (window.RequestedFrom, window.RequestedTo) : (window.From, window.To);
        var threshold = type is null ? policy.Options.ThresholdMs : policy.For(type).ThresholdMs;
        return (new AnalyticsScope(from, to, request.Source, type, snapshot.Exact, threshold), snapshot);
    }

    internal static double Round(double ms) => Math.Round(ms, 3);
}

/// <summary>The interviewer's responses of a compliance window: all of them, by interview type and by channel.</summary>
/// <param name="Channels">The channels read (<see cref="Latency.LatencyChannels"/>).</param>
internal sealed record InterviewSlices(
    AnalyticsScope Scope,
    IReadOnlyList<string> Channels,
    LatencySlice All,
    IReadOnlyDictionary<string, LatencySlice> ByType,
    IReadOnlyDictionary<string, LatencySlice> ByChannel);

/// <summary>The three views of one window that <c>promptly analyze</c> shows by default, computed from one read.</summary>
internal sealed record LatencyOverview(LatencySummary Summary, PhaseBreakdown Phases, BottleneckReport Bottlenecks);
