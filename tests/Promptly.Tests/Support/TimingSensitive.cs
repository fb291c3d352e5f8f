namespace Promptly.Tests.Support;

/// <summary>
/// Tests whose outcome depends on requests being sent on schedule (stress steps judged by their rate, many sessions
/// under deadlines): they run alone, after the parallel ones, so the rest of the suite cannot starve them of CPU.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TimingSensitive
{
    public const string Name = "Timing-sensitive";
}
