using System.Runtime.InteropServices;
using Promptly.Latency;

namespace Promptly.Analytics;

/// <summary>
/// Folds runs into digests per hour and per day, source, interview type and phase: the in-memory half of the
/// rollup, before the digests are merged into the stored ones.
/// </summary>
internal sealed class RollupAggregator
{
    private static readonly BucketSize[] Sizes = [BucketSize.Hour, BucketSize.Day];

    public Dictionary<DigestKey, LatencyDigest> Digests { get; } = [];

    public long Runs { get; private set; }

    public void Add(RunSample run)
    {
        var ms = run.Timestamp.ToUnixTimeMilliseconds();
        foreach (var size in Sizes)
        {
            var bucketMs = size.Milliseconds();
            var start = ms - (((ms % bucketMs) + bucketMs) % bucketMs);
            DigestFor(new DigestKey(size, start, run.Source, run.InterviewType, DigestKey.Total)).RecordRun(run.TotalMs, run.WithinBudget, run.Failed);
            foreach (var phase in run.Phases)
            {
                DigestFor(new DigestKey(size, start, run.Source, run.InterviewType, phase.Name)).Record(phase.Ms);
            }
        }

        Runs++;
    }

    public void Clear()
    {
        Digests.Clear();
        Runs = 0;
    }

    private LatencyDigest DigestFor(DigestKey key)
    {
        // One hash lookup whether the digest exists or not: this runs for every sample.
        ref var digest = ref CollectionsMarshal.GetValueRefOrAddDefault(Digests, key, out _);
        return digest ??= new LatencyDigest();
    }
}
