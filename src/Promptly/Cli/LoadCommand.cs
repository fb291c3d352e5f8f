using System.CommandLine;
using System.Text.Json;
using Promptly.Load;
using Spectre.Console;

namespace Promptly.Cli;

/// <summary>
/// <c>promptly load URL</c>: weighted scenarios sent to a running server on an open-model schedule (phases of
/// arrival rate), in a closed loop (<c>--connections</c>) or in rising steps until the latency budget breaks
/// (<c>--stress</c>); live progress, then per scenario and phase count, RPS, percentiles and errors.
/// </summary>
internal sealed partial class LoadCommand
{
    public const string Name = "load";

    private readonly Argument<string?> _url = new("url") { Description = "The server, e.g. http://127.0.0.1:5080.", Arity = ArgumentArity.ZeroOrOne };
    private readonly Option<string?> _phases = new("--phases") { Description = $"Open-model phases name:duration@rate. Default {LoadPhase.DefaultPhases}.", HelpName = "LIST" };
    private readonly Option<string?> _scenarios = new("--scenarios") { Description = "A YAML or JSON file of scenarios (name, kind, weight) and optionally phases.", HelpName = "FILE" };
    private readonly Option<int?> _connections = new("--connections") { Description = "Closed mode: keep N requests in flight, as fast as the server answers.", HelpName = "N" };
    private readonly Option<string?> _duration = new("--duration") { Description = "Closed mode: how long. Default 30s, or 1h with --requests.", HelpName = "TIME" };
    private readonly Option<long?> _requests = new("--requests") { Description = "Closed mode: stop once N requests were sent (or at --duration).", HelpName = "N" };
    private readonly Option<bool> _stress = new("--stress") { Description = "Step the rate up until a scenario's p95 is over --p95-budget-ms or errors appear." };
    private readonly Option<double?> _startRate = new("--start-rate") { Description = $"Stress: the first step's rate. Default {StressSettings.DefaultStartRate}/s.", HelpName = "RATE" };
    private readonly Option<double?> _stepRate = new("--step-rate") { Description = $"Stress: added at each step. Default {StressSettings.DefaultStepRate}/s.", HelpName = "RATE" };
    private readonly Option<string?> _stepDuration = new("--step-duration") { Description = $"Stress: each step's length. Default {StressSettings.DefaultStepDuration}.", HelpName = "TIME" };
    private readonly Option<double?> _maxRate = new("--max-rate") { Description = $"Stress: the last step's rate at most. Default {StressSettings.DefaultMaxRate}/s.", HelpName = "RATE" };
    private readonly Option<double?> _budget = new("--p95-budget-ms") { Description = $"The p95 each scenario must stay under. Default {LoadSettings.DefaultP95BudgetMs}.", HelpName = "MS" };
    private readonly Option<string?> _concept = new("--concept") { Description = $"The guide of the interviews created. Default {LoadSettings.DefaultConcept}.", HelpName = "ID" };
    private readonly Option<int?> _sessions = new("--sessions") { Description = $"Sessions created before the run for get_interview and take_turn. Default {LoadSettings.DefaultSessions}.", HelpName = "N" };
    private readonly Option<int?> _maxInFlight = new("--max-in-flight") { Description = $"Open mode: requests in flight at most. Default {LoadSettings.DefaultMaxInFlight}.", HelpName = "N" };
    private readonly Option<string?> _timeout = new("--timeout") { Description = $"A request not answered this long after its intended send time is an error. Default {LoadSettings.DefaultTimeout}.", HelpName = "TIME" };
    private readonly Option<int?> _seed = new("--seed") { Description = "Seeds the choice of scenarios. Default 1.", HelpName = "N" };
    private readonly Option<string?> _output = new("--output") { Description = "Write the results as JSON here, and a Markdown summary beside it (.md).", HelpName = "PATH" };
    private readonly Option<bool> _verify = new("--verify") { Description = "Afterwards, read back every session the server acknowledged: each acknowledged turn stored once and in order (exit 4 if not)." };
    private readonly Option<bool> _noCrossCheck = new("--no-cross-check") { Description = "Do not compare with the server's own latency records." };
    private readonly Option<bool> _selfTest = new("--self-test") { Description = "Load an in-process fake server instead of URL: the generator's own capacity." };
    private readonly Option<int?> _fakeServer = new("--fake-server") { Description = "Only serve fixed answers on 127.0.0.1:PORT for --duration (default 10m), to load from another process.", HelpName = "PORT" };

    /// <summary>The <c>load</c> command, writing to <paramref name="context"/>.</summary>
    public static Command Create(CliContext context) => new LoadCommand().Build(context);

    private Command Build(CliContext context)
    {
        var load = new Command(Name, "Load a server with weighted scenarios and report latency per scenario and phase.")
        {
            _url, _phases, _scenarios, _connections, _duration, _requests, _stress, _startRate, _stepRate, _stepDuration, _maxRate, _budget, _concept, _sessions,
            _maxInFlight, _timeout, _seed, _output, _verify, _noCrossCheck, _selfTest, _fakeServer,
        };
        load.SetAction((parse, token) => ExecuteAsync(parse, context, token));
        return load;
    }

    private async Task<int> ExecuteAsync(ParseResult parse, CliContext context, CancellationToken cancellationToken)
    {
        try
        {
            if (parse.GetValue(_fakeServer) is { } port) return await ServeFakeAsync(parse, port, context, cancellationToken);
            var selfTest = parse.GetValue(_selfTest);
            var url = parse.GetValue(_url);
            if (selfTest && url is not null) throw CommandException.Usage("Give either a URL or --self-test, not both.");
            await using var fake = selfTest ? await FakeServer.StartAsync(0, cancellationToken) : null;
            var settings = Read(parse, fake?.Address);
            var command = "promptly " + string.Join(' ', parse.Tokens.Select(t => t.Value.Contains(' ') || t.Value.Contains(',') ? $"\"{t.Value}\"" : t.Value));
            var result = await LoadRun.RunAsync(settings, context.Out, context.ServerHandler, context.ApiKey, command, cancellationToken);
            LoadReport.Write(context.Out, result);
            if (settings.OutputPath is { } path)
            {
                var markdown = MarkdownPath(path);
                Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
                await File.WriteAllTextAsync(path, JsonSerializer.Serialize(result, LoadJson.Default.LoadResult), cancellationToken);
                await LoadReport.WriteMarkdownAsync(markdown, result, cancellationToken);
                context.Out.MarkupLine($"Results written to {Markup.Escape(Path.GetFullPath(path))} and {Markup.Escape(Path.GetFullPath(markdown))}");
            }

            return result.ExitCode;
        }
        catch (Exception e)
        {
            return PromptlyCommands.Fail(context, e, cancellationToken);
        }
    }

    /// <summary><c>--fake-server PORT</c>: serves fixed answers until <c>--duration</c> has passed (bounded, like every run).</summary>
    private async Task<int> ServeFakeAsync(ParseResult parse, int port, CliContext context, CancellationToken cancellationToken)
    {
        if (port is < 1 or > 65535) throw CommandException.Usage($"--fake-server must be a port from 1 to 65535, not {port}.");
        if (parse.GetValue(_url) is not null || parse.GetValue(_selfTest)) throw CommandException.Usage("--fake-server only serves; give no URL and no --self-test.");
        var duration = LoadPhase.ParseDuration(parse.GetValue(_duration) ?? "10m", "--duration");
        if (duration <= TimeSpan.Zero || duration > LoadPhase.MaxTotalDuration) throw CommandException.Usage("--duration must be more than 0 and at most 1h.");
        await using var fake = await FakeServer.StartAsync(port, cancellationToken);
        context.Out.MarkupLine(Markup.Escape($"Fake server on {fake.Address} for {LoadFigures.Seconds(duration.TotalSeconds)}."));
        try
        {
            await Task.Delay(duration, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }

        return ExitCodes.Ok;
    }

    /// <summary>Where the Markdown summary of <c>--output PATH</c> goes: PATH with the extension .md.</summary>
    public static string MarkdownPath(string outputPath) => Path.ChangeExtension(outputPath, ".md");
}
