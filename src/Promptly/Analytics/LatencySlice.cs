using Promptly.Latency;

namespace Promptly.Analytics;

/// <summary>The runs of one group of a query (the whole window, one interval, one source) and their phases.</summary>
internal sealed record LatencySlice(LatencyDistribution Total, IReadOnlyDictionary<string, LatencyDistribution> Phases)
{
    /// <summary>Phases by their part of all time spent, largest first.</summary>
    public IEnumerable<(string Name, LatencyDistribution Distribution)> PhasesByTime =>
        Phases.OrderByDescending(p => p.Value.Sum).ThenBy(p => p.Key, StringComparer.Ordinal).Select(p => (p.Key, p.Value));

    /// <summary>
    /// Groups a snapshot's digests and raw runs by <paramref name="groupOf"/>(source, interview type, time in unix ms): exactly, from
    /// the raw runs alone, when <paramref name="exact"/>; otherwise by merging digests and adding the raw runs the
    /// rollup has not reached yet.
    /// </summary>
    public static Dictionary<TKey, LatencySlice> Build<TKey>(AnalyticsSnapshot snapshot, bool exact, Func<string, string, long, TKey> groupOf) where TKey : notnull =>
        exact ? BuildExact(snapshot.Runs, groupOf) : BuildMerged(snapshot, groupOf);

    private static Dictionary<TKey, LatencySlice> BuildMerged<TKey>(AnalyticsSnapshot snapshot, Func<string, string, long, TKey> groupOf) where TKey : notnull
    {
        var groups = new Dictionary<TKey, (LatencyDigest Total, Dictionary<string, LatencyDistribution> Phases)>();
        (LatencyDigest Total, Dictionary<string, LatencyDistribution> Phases) GroupOf(string source, string type, long ms)
        {
            var key = groupOf(source, type, ms);
            if (!groups.TryGetValue(key, out var group))
            {
                group = (new LatencyDigest(), new Dictionary<string, LatencyDistribution>(StringComparer.Ordinal));
                groups.Add(key, group);
            }

            return group;
        }

        foreach (var stored in snapshot.Digests)
        {
            var group = GroupOf(stored.Key.Source, stored.Key.InterviewType, stored.Key.StartMs);
            stored.MergeInto(stored.Key.Phase == DigestKey.Total ? group.Total : PhaseDigest(group.Phases, stored.Key.Phase));
        }

        foreach (var run in snapshot.Runs)
        {
            var group = GroupOf(run.Source, run.InterviewType, run.Timestamp.ToUnixTimeMilliseconds());
            group.Total.RecordRun(run.TotalMs, run.WithinBudget, run.Failed);
            foreach (var phase in run.Phases) PhaseDigest(group.Phases, phase.Name).Record(phase.Ms);
        }

        return groups.ToDictionary(g => g.Key, g => new LatencySlice(g.Value.Total, g.Value.Phases));
    }

    private static LatencyDigest PhaseDigest(Dictionary<string, LatencyDistribution> phases, string name)
    {
        if (!phases.TryGetValue(name, out var digest))
        {
            digest = new LatencyDigest();
            phases.Add(name, digest);
        }

        return (LatencyDigest)digest;
    }

    private static Dictionary<TKey, LatencySlice> BuildExact<TKey>(IReadOnlyList<RunSample> runs, Func<string, string, long, TKey> groupOf) where TKey : notnull =>
        runs.GroupBy(r => groupOf(r.Source, r.InterviewType, r.Timestamp.ToUnixTimeMilliseconds())).ToDictionary(
            g => g.Key,
            g => new LatencySlice(
                new ExactDistribution(g.Select(r => r.TotalMs), g.LongCount(r => r.WithinBudget), g.LongCount(r => r.Failed)),
                g.SelectMany(r => r.Phases).GroupBy(p => p.Name, StringComparer.Ordinal)
                    .ToDictionary(p => p.Key, p => (LatencyDistribution)new ExactDistribution(p.Select(x => x.Ms)), StringComparer.Ordinal)));

    public static LatencySlice Empty { get; } = new(new ExactDistribution([]), new Dictionary<string, LatencyDistribution>());
}
