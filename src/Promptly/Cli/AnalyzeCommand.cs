using System.CommandLine;
using Microsoft.Extensions.Primitives;
using Promptly.Analytics;
using Promptly.Http;
using Promptly.Latency;
using Spectre.Console;
using Promptly.Load;

namespace Promptly.Cli;

/// <summary>
/// <c>promptly analyze</c>: the latency analyses of the local database, or of a running server with
/// <c>--server</c>, printed as tables, as JSON, or written as a Markdown report with charts.
/// </summary>
internal sealed class AnalyzeCommand
{
    public const string DefaultReportPath = "latency_report.md";

    private readonly Option<bool> _summary = new("--summary") { Description = "Count, average, percentiles, compliance, slowest phase." };
    private readonly Option<bool> _phase = new("--phase") { Description = "Per-phase percentiles, spread and share of the time, slowest p95 first." };
    private readonly Option<bool> _bottlenecks = new("--bottlenecks") { Description = "Phases whose p95 is over the threshold, and outlier runs." };
    private readonly Option<bool> _trends = new("--trends") { Description = "Count, p50, p95 and compliance per day or hour, regressions marked." };
    private readonly Option<bool> _recommendations = new("--recommendations") { Description = "Optimization opportunities: targets and actions per source and phase." };
    private readonly Option<bool> _interviews = new("--interviews") { Description = "Interviews started, completed and abandoned, duration, coverage and orphan ratio per guide and type." };
    private readonly Option<bool> _report = new("--report") { Description = "Write a Markdown report with PNG charts (all sections unless some are named)." };
    private readonly Option<string?> _output = new("--output") { Description = $"Where --report writes (implies --report). Default {DefaultReportPath}.", HelpName = "PATH" };
    private readonly Option<string?> _days = new("--days") { Description = $"The last N calendar days (UTC), today included. Default {AnalyticsRequest.DefaultDays}.", HelpName = "N" };
    private readonly Option<string?> _from = new("--from") { Description = "Window start, ISO 8601 (UTC when no offset).", HelpName = "TIME" };
    private readonly Option<string?> _to = new("--to") { Description = "Window end, ISO 8601 (UTC when no offset). Default now.", HelpName = "TIME" };
    private readonly Option<string?> _source = new("--source") { Description = "Only runs of this source: interview (text responses), voice (voice responses), or an ingested one (ci, ...).", HelpName = "NAME" };
    private readonly Option<string?> _interviewType = new("--interview-type") { Description = "Only runs of this interview type.", HelpName = "TYPE" };
    private readonly Option<string?> _threshold = new("--threshold") { Description = "Bottleneck threshold in ms. Default half the budget.", HelpName = "MS" };
    private readonly Option<string> _interval = new("--interval") { Description = "Trend interval: day or hour.", HelpName = "day|hour", DefaultValueFactory = _ => "day" };
    private readonly Option<string?> _server = new("--server") { Description = "Read a running server at this URL instead of the local database.", HelpName = "URL" };
    private readonly Option<string?> _dataFolder = new("--data-folder") { Description = "The local database's folder. Default the server's Storage:DataFolder.", HelpName = "PATH" };
    private readonly Option<bool> _json = new("--json") { Description = "Print the reports as the API's JSON." };

    /// <summary>The <c>analyze</c> command, writing to <paramref name="context"/>.</summary>
    public static Command Create(CliContext context) => new AnalyzeCommand().Build(context);

    private Command Build(CliContext context)
    {
        var analyze = new Command("analyze", "Latency analysis of the stored runs: summary, phases, bottlenecks, trends, optimization opportunities.")
        {
            _summary, _phase, _bottlenecks, _trends, _recommendations, _interviews, _report, _output, _days, _from, _to, _source, _interviewType, _threshold, _interval,
            _server, _dataFolder, _json,
        };
        analyze.SetAction((parse, token) => ExecuteAsync(parse, context, token));
        return analyze;
    }

    private async Task<int> ExecuteAsync(ParseResult parse, CliContext context, CancellationToken cancellationToken)
    {
        try
        {
            var arguments = Read(parse, TimeProvider.System.GetUtcNow());
            await using IAnalyticsSource source = arguments.Server is { } server
                ? ServerAnalyticsSource.Create(server, context.ServerHandler, context.ApiKey)
                : await LocalAnalyticsSource.OpenAsync(arguments.DataFolder, cancellationToken);
            var results = await AnalysisResults.ReadAsync(source, arguments, cancellationToken);
            if (arguments.ReportPath is { } path)
            {
                var charts = await MarkdownReport.WriteAsync(path, results, TimeProvider.System.GetUtcNow(), cancellationToken);
                context.Out.WriteLine($"Report written to {Path.GetFullPath(path)}" + (charts.Count > 0
                    ? $", charts in {MarkdownReport.ChartFolder(path)}"
                    : " (no charts: no runs in the window)"));
            }
            else if (arguments.Json)
            {
                JsonReport.Write(context.Out.Profile.Out.Writer, results);
            }
            else
            {
                ConsoleReport.Write(context.Out, results);
            }

            return ExitCodes.Ok;
        }
        catch (Exception e)
        {
            return PromptlyCommands.Fail(context, e, cancellationToken);
        }
    }

    private AnalyzeArguments Read(ParseResult parse, DateTimeOffset now)
    {
        var sections = (parse.GetValue(_summary) ? ReportSections.Summary : ReportSections.None)
            | (parse.GetValue(_phase) ? ReportSections.Phases : ReportSections.None)
            | (parse.GetValue(_bottlenecks) ? ReportSections.Bottlenecks : ReportSections.None)
            | (parse.GetValue(_trends) ? ReportSections.Trends : ReportSections.None)
            | (parse.GetValue(_recommendations) ? ReportSections.Recommendations : ReportSections.None)
            | (parse.GetValue(_interviews) ? ReportSections.Interviews : ReportSections.None);
        var reportPath = parse.GetValue(_output) ?? (parse.GetValue(_report) ? DefaultReportPath : null);
        if (sections == ReportSections.None) sections = reportPath is null ? ReportSections.Default : ReportSections.All;
        var json = parse.GetValue(_json);
        if (json && reportPath is not null) throw CommandException.Usage("Give either --json or --report, not both.");

        // The HTTP API's own parsing and checks, so both answer the same question the same way.
        var query = new Dictionary<string, StringValues>();
        foreach (var (name, option) in new[] { ("days", _days), ("from", _from), ("to", _to), ("source", _source), ("interview_type", _interviewType) })
        {
            if (parse.GetValue(option) is { } value) query[name] = value;
        }

        var request = AnalyticsEndpoints.ParseRequest(new QueryCollection(query), now);
        double? threshold = parse.GetValue(_threshold) is { } thresholdText ? TimeWindow.ParsePositive("threshold", thresholdText, LatencyDigest.MaxMs) : null;
        var intervalText = parse.GetValue(_interval);
        var interval = AnalyticsRequest.ParseInterval(intervalText) ?? throw CommandException.Usage($"'interval' must be 'day' or 'hour', not '{intervalText}'.");
        if (sections.HasFlag(ReportSections.Trends) && request.TrendProblem(interval, now) is { } problem) throw CommandException.Usage(problem);

        var dataFolder = parse.GetValue(_dataFolder);
        Uri? server = null;
        if (parse.GetValue(_server) is { } url)
        {
            server = ServerUrl.Parse(url) ?? throw CommandException.Usage($"--server must be an http(s) URL such as http://localhost:5000, not '{url}'.");
            if (dataFolder is not null) throw CommandException.Usage("Give either --server or --data-folder, not both.");
        }

        return new AnalyzeArguments(sections, request, threshold, interval, server, dataFolder, reportPath, json);
    }
}
