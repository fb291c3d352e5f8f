namespace Promptly.Load;

/// <summary>How requests arrive: on a schedule (open), as fast as N connections allow (closed), or in rising steps (stress).</summary>
internal enum LoadMode
{
    Open,
    Closed,
    Stress,
}

/// <summary>The steps of a stress run: from <see cref="StartRate"/> up by <see cref="StepRate"/> until the budget breaks or <see cref="MaxRate"/>.</summary>
internal sealed record StressSettings(double StartRate, double StepRate, TimeSpan StepDuration, double MaxRate)
{
    public const double DefaultStartRate = 50;
    public const double DefaultStepRate = 50;
    public const string DefaultStepDuration = "10s";
    public const double DefaultMaxRate = 5000;

    /// <summary>The steps as phases named <c>step-1</c>, <c>step-2</c>, …</summary>
    public IReadOnlyList<LoadPhase> Steps()
    {
        var steps = new List<LoadPhase>();
        for (var rate = StartRate; rate <= MaxRate + 1e-9 && steps.Count < LoadPhase.MaxPhases; rate += StepRate)
        {
            steps.Add(new LoadPhase($"step-{steps.Count + 1}", StepDuration, rate));
        }

        return steps;
    }
}

/// <summary>One run of <c>promptly load</c>, checked.</summary>
/// <param name="Server">The server's base URL, ending in '/'.</param>
/// <param name="Phases">Open and stress runs: the phases in order (stress: its steps). Closed: one phase, rate 0.</param>
/// <param name="Connections">Closed runs: the number of requests always in flight.</param>
/// <param name="Sessions">Sessions created before the run for <c>get_interview</c> and <c>take_turn</c>.</param>
/// <param name="MaxInFlight">Open runs: requests in flight at most; a request waiting for a slot is still timed from its intended send time.</param>
/// <param name="P95BudgetMs">The p95 a scenario must stay under: stress stops at the first step over it; other runs report it.</param>
/// <param name="Seed">Seeds the scenario choice, so two runs send the same sequence.</param>
/// <param name="Requests">Closed runs: stop once this many requests were sent, even before the duration has passed (0: no count).</param>
/// <param name="Verify">After the run, read back every session the server acknowledged a start or turn of (<see cref="StoredCheck"/>).</param>
internal sealed record LoadSettings(
    Uri Server,
    LoadMode Mode,
    IReadOnlyList<LoadPhase> Phases,
    IReadOnlyList<LoadScenario> Scenarios,
    int Connections,
    string Concept,
    int Sessions,
    int MaxInFlight,
    TimeSpan Timeout,
    double P95BudgetMs,
    int Seed,
    string? OutputPath,
    bool CrossCheck,
    bool Verify = false,
    long Requests = 0)
{
    public const string DefaultConcept = InterviewDriver.DefaultConcept;
    public const int DefaultSessions = 200;
    public const int DefaultMaxInFlight = 1024;
    public const int MaxConnections = 10_000;
    public const string DefaultTimeout = "30s";
    public const double DefaultP95BudgetMs = 5000;
    public const long MaxRequests = 100_000_000;

    /// <summary>Sessions the pool keeps at most (readable ones; as many may be free for a turn).</summary>
    public const int PoolCapacity = 5000;
}
