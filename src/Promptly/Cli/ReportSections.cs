namespace Promptly.Cli;

/// <summary>The analyses a run of <c>promptly analyze</c> shows.</summary>
[Flags]
internal enum ReportSections
{
    None = 0,
    Summary = 1,
    Phases = 2,
    Bottlenecks = 4,
    Trends = 8,
    Recommendations = 16,

    /// <summary>The interviews themselves: started, completed, abandoned, duration, coverage and orphan ratio per guide and type.</summary>
    Interviews = 32,

    /// <summary>What the terminal shows when no section is asked for.</summary>
    Default = Summary | Phases | Bottlenecks | Recommendations | Interviews,

    /// <summary>What a report holds when no section is asked for: the trend chart needs the trends too.</summary>
    All = Default | Trends,
}
