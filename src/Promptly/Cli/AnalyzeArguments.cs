using Promptly.Analytics;

namespace Promptly.Cli;

/// <summary>One run of <c>promptly analyze</c>, checked: what to read, from where, and how to show it.</summary>
/// <param name="Server">Read a running server over HTTP; null to read the local database.</param>
/// <param name="DataFolder">The local database's folder; null for the configured <c>Storage:DataFolder</c>.</param>
/// <param name="ReportPath">Write a Markdown report here; null to print to the terminal.</param>
internal sealed record AnalyzeArguments(
    ReportSections Sections,
    AnalyticsRequest Request,
    double? ThresholdMs,
    TrendInterval Interval,
    Uri? Server,
    string? DataFolder,
    string? ReportPath,
    bool Json);
