
namespace Promptly.Load;

/// <summary>What one request of a scenario does.</summary>
internal enum ScenarioKind
{
    /// <summary><c>POST /sessions</c>; the new session joins the pool that the other scenarios use.</summary>
    CreateInterview,

    /// <summary><c>GET /sessions/{id}</c> of a session from the pool.</summary>
    GetInterview,

    /// <summary><c>POST /sessions/{id}/turns</c> on a session no other request is using.</summary>
    TakeTurn,

    /// <summary><c>GET /health</c>.</summary>
    Health,
}

/// <summary>A named kind of request and its share of the traffic (its weight over the sum of all weights).</summary>
internal sealed record LoadScenario(string Name, ScenarioKind Kind, double Weight)
{
    public const int MaxScenarios = 32;

    /// <summary>The default mix: interviews are read more often than they are started or answered.</summary>
    public static IReadOnlyList<LoadScenario> Defaults { get; } =
    [
        new("create_interview", ScenarioKind.CreateInterview, 30),
        new("get_interview", ScenarioKind.GetInterview, 50),
        new("take_turn", ScenarioKind.TakeTurn, 20),
    ];

    public static string KindName(ScenarioKind kind) => kind switch
    {
        ScenarioKind.CreateInterview => "create_interview",
        ScenarioKind.GetInterview => "get_interview",
        ScenarioKind.TakeTurn => "take_turn",
        _ => "health",
    };

    public static ScenarioKind ParseKind(string? text, string scenario) => text switch
    {
        "create_interview" => ScenarioKind.CreateInterview,
        "get_interview" => ScenarioKind.GetInterview,
        "take_turn" => ScenarioKind.TakeTurn,
        "health" => ScenarioKind.Health,
        _ => throw CommandException.Usage($"Scenario '{scenario}' has kind '{text}'; use create_interview, get_interview, take_turn or health."),
    };

    /// <summary>Checks a list of scenarios as a whole: count, names, weights.</summary>
    public static IReadOnlyList<LoadScenario> CheckedList(IReadOnlyList<LoadScenario> scenarios)
    {
        if (scenarios.Count == 0) throw CommandException.Usage("At least one scenario is needed.");
        if (scenarios.Count > MaxScenarios) throw CommandException.Usage($"At most {MaxScenarios} scenarios, not {scenarios.Count}.");
        foreach (var s in scenarios)
        {
            if (string.IsNullOrWhiteSpace(s.Name) || s.Name.Length > 40) throw CommandException.Usage("Every scenario needs a name of 1 to 40 characters.");
            if (!double.IsFinite(s.Weight) || s.Weight < 0) throw CommandException.Usage($"Scenario '{s.Name}' weight must be 0 or more, not {s.Weight}.");
        }

        var duplicate = scenarios.GroupBy(s => s.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw CommandException.Usage($"Scenario name '{duplicate.Key}' is used twice.");
        if (scenarios.Sum(s => s.Weight) <= 0) throw CommandException.Usage("The scenario weights add up to 0; at least one must be positive.");
        return scenarios;
    }
}

/// <summary>
/// Picks a scenario index with probability weight / total weight from a uniform number in [0, 1): a binary search
/// over the cumulative weights, no allocation.
/// </summary>
internal sealed class WeightedChoice
{
    private readonly double[] _cumulative;

    public WeightedChoice(IReadOnlyList<double> weights)
    {
        _cumulative = new double[weights.Count];
        var sum = 0.0;
        for (var i = 0; i < weights.Count; i++)
        {
            sum += weights[i];
            _cumulative[i] = sum;
        }

        if (!(sum > 0)) throw new ArgumentException("The weights add up to 0.", nameof(weights));
        for (var i = 0; i < _cumulative.Length; i++) _cumulative[i] /= sum;
    }

    public int Pick(double uniform)
    {
        var index = Array.BinarySearch(_cumulative, uniform);
        index = index >= 0 ? index + 1 : ~index;

        // A zero weight makes two equal cumulative values: step past any scenario that never gets a share.
        while (index < _cumulative.Length - 1 && (index == 0 ? _cumulative[0] : _cumulative[index] - _cumulative[index - 1]) <= 0) index++;
        return Math.Min(index, _cumulative.Length - 1);
    }

    public int Pick(Random random) => Pick(random.NextDouble());
}
