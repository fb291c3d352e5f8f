namespace Promptly.Tests.Analytics;

/// <summary>
/// Seeded ingest traffic over the five days before <c>anchor</c> (an hour boundary), and the values it holds:
/// "ci" runs (four phases, total = their sum, half of them PRACTICE), "etl" runs (explicit total, two phases),
/// "web" runs (no phases; PRACTICE, INVITED or no interview type), or with <c>lateSource</c> only "late" runs with
/// phases no other source has.
/// </summary>
internal sealed class Traffic
{
    private readonly Dictionary<string, List<double>> _phases = [];

    public List<Dictionary<string, object?>> Events { get; } = [];

    public List<double> Totals { get; } = [];

    public IEnumerable<double> PhaseValues(string phase) => _phases.GetValueOrDefault(phase) ?? [];

    public static Traffic Generate(DateTimeOffset anchor, int count, int seed, bool lateSource = false)
    {
        var random = new Random(seed);
        var traffic = new Traffic();
        double LogNormal(double median, double sigma) => median * Math.Exp(sigma * Samples.Gaussian(random));

        for (var i = 0; i < count; i++)
        {
            // From one hour to five days before the anchor, to the millisecond.
            var at = anchor.AddMilliseconds(-random.NextInt64(3_600_000, 5 * 86_400_000L));
            if (lateSource)
            {
                traffic.Add(AnalyticsApi.Event("late", at, phases: traffic.Phases(("Deploy", LogNormal(200, 0.5)), ("Verify", LogNormal(80, 0.3)))));
                continue;
            }

            switch (i % 3)
            {
                case 0:
                    var phases = traffic.Phases(("Plan", LogNormal(90, 0.3)), ("Build", LogNormal(900, 0.5)), ("Test", LogNormal(600, 0.6)), ("Lint", LogNormal(50, 0.2)));
                    traffic.Add(AnalyticsApi.Event("ci", at, phases: phases, interviewType: i % 2 == 0 ? "PRACTICE" : null));
                    break;
                case 1:
                    var total = LogNormal(3000, 0.4);
                    traffic.Add(AnalyticsApi.Event("etl", at, totalMs: total, phases: traffic.Phases(("Extract", total * 0.4), ("Load", total * 0.5))), total);
                    break;
                default:
                    var type = random.Next(3) switch { 0 => "PRACTICE", 1 => "INVITED", _ => null };
                    var web = LogNormal(400, 1.0);
                    traffic.Add(AnalyticsApi.Event("web", at, totalMs: web, interviewType: type), web);
                    break;
            }
        }

        return traffic;
    }

    private Dictionary<string, double> Phases(params (string Name, double Ms)[] phases)
    {
        var map = new Dictionary<string, double>();
        foreach (var (name, ms) in phases)
        {
            map[name] = ms;
            if (!_phases.TryGetValue(name, out var values)) _phases[name] = values = [];
            values.Add(ms);
        }

        return map;
    }

    private void Add(Dictionary<string, object?> e, double? total = null)
    {
        Events.Add(e);
        // Without total_ms the server sums the phases, in their order.
        Totals.Add(total ?? ((Dictionary<string, double>)e["phases"]!).Values.Aggregate(0.0, (sum, ms) => sum + ms));
    }
}
