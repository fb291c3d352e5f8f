using System.CommandLine;
using Promptly.Load;

namespace Promptly.Cli;

/// <summary>The checks of <c>promptly load</c>'s options: every problem is one <see cref="CommandException"/> (exit 3).</summary>
internal sealed partial class LoadCommand
{
    private const int MaxSessions = LoadSettings.PoolCapacity;
    private const int MaxInFlightCeiling = 100_000;
    private static readonly TimeSpan MaxTimeout = TimeSpan.FromMinutes(5);

    private LoadSettings Read(ParseResult parse, Uri? selfTestServer)
    {
        var server = selfTestServer ?? ServerUri(parse.GetValue(_url));
        var stress = parse.GetValue(_stress);
        var connections = parse.GetValue(_connections);
        var phasesText = parse.GetValue(_phases);
        if (connections is not null && stress) throw CommandException.Usage("Give either --connections (closed mode) or --stress, not both.");
        if (connections is not null && phasesText is not null) throw CommandException.Usage("--phases is for the open model; closed mode (--connections) runs for --duration.");
        if (stress && phasesText is not null) throw CommandException.Usage("--stress makes its own steps; give --start-rate, --step-rate, --step-duration and --max-rate instead of --phases.");
        if (connections is null && parse.GetValue(_duration) is not null) throw CommandException.Usage("--duration is for closed mode; give --connections too, or --phases for the open model.");
        var requests = parse.GetValue(_requests);
        if (connections is null && requests is not null) throw CommandException.Usage("--requests is for closed mode; give --connections too.");
        if (requests is < 1 or > LoadSettings.MaxRequests) throw CommandException.Usage($"--requests must be from 1 to {LoadSettings.MaxRequests}, not {requests}.");
        if (!stress && (parse.GetValue(_startRate) ?? parse.GetValue(_stepRate) ?? parse.GetValue(_maxRate)) is not null || !stress && parse.GetValue(_stepDuration) is not null)
        {
            throw CommandException.Usage("--start-rate, --step-rate, --step-duration and --max-rate are for --stress.");
        }

        var file = parse.GetValue(_scenarios) is { } path ? ScenarioFile.Read(path) : null;
        var scenarios = file?.Scenarios ?? LoadScenario.Defaults;
        var budget = parse.GetValue(_budget) ?? LoadSettings.DefaultP95BudgetMs;
        if (!(budget > 0) || budget > LoadPhase.MaxTotalDuration.TotalMilliseconds) throw CommandException.Usage($"--p95-budget-ms must be more than 0 and at most 3600000, not {budget}.");
        var timeout = Duration(parse.GetValue(_timeout) ?? LoadSettings.DefaultTimeout, "--timeout");
        if (timeout < TimeSpan.FromMilliseconds(1) || timeout > MaxTimeout) throw CommandException.Usage($"--timeout must be from 1ms to {MaxTimeout.TotalMinutes:0}m.");
        var maxInFlight = parse.GetValue(_maxInFlight) ?? LoadSettings.DefaultMaxInFlight;
        if (maxInFlight is < 1 or > MaxInFlightCeiling) throw CommandException.Usage($"--max-in-flight must be from 1 to {MaxInFlightCeiling}, not {maxInFlight}.");
        var sessions = parse.GetValue(_sessions) ?? LoadSettings.DefaultSessions;
        if (sessions is < 0 or > MaxSessions) throw CommandException.Usage($"--sessions must be from 0 to {MaxSessions}, not {sessions}.");
        var concept = parse.GetValue(_concept) ?? LoadSettings.DefaultConcept;
        if (string.IsNullOrWhiteSpace(concept) || concept.Length > 200) throw CommandException.Usage("--concept must name a guide, e.g. software_engineer_practice.");

        if (parse.GetValue(_verify) && selfTestServer is not null) throw CommandException.Usage("--verify reads sessions back from a Promptly server; the --self-test fake stores nothing.");
        var output = parse.GetValue(_output);
        if (output is not null && (string.IsNullOrWhiteSpace(output) || string.Equals(Path.GetExtension(output), ".md", StringComparison.OrdinalIgnoreCase)))
        {
            throw CommandException.Usage("--output names the JSON file (results.json); the Markdown summary is written beside it.");
        }

        LoadMode mode;
        IReadOnlyList<LoadPhase> phases;
        if (connections is { } n)
        {
            if (n is < 1 or > LoadSettings.MaxConnections) throw CommandException.Usage($"--connections must be from 1 to {LoadSettings.MaxConnections}, not {n}.");
            // A count bounds the run by itself; the duration is then only a cap.
            var duration = Duration(parse.GetValue(_duration) ?? (requests is null ? "30s" : "1h"), "--duration");
            if (duration <= TimeSpan.Zero || duration > LoadPhase.MaxTotalDuration) throw CommandException.Usage("--duration must be more than 0 and at most 1h.");
            mode = LoadMode.Closed;
            phases = [new LoadPhase("closed", duration, 0)];
        }
        else if (stress)
        {
            var stressSettings = new StressSettings(
                Rate(parse.GetValue(_startRate) ?? StressSettings.DefaultStartRate, "--start-rate"),
                Rate(parse.GetValue(_stepRate) ?? StressSettings.DefaultStepRate, "--step-rate"),
                Duration(parse.GetValue(_stepDuration) ?? StressSettings.DefaultStepDuration, "--step-duration"),
                Rate(parse.GetValue(_maxRate) ?? StressSettings.DefaultMaxRate, "--max-rate"));
            if (stressSettings.MaxRate < stressSettings.StartRate) throw CommandException.Usage("--max-rate must not be below --start-rate.");
            var steps = (stressSettings.MaxRate - stressSettings.StartRate) / stressSettings.StepRate + 1;
            if (steps > LoadPhase.MaxPhases) throw CommandException.Usage($"That makes {Math.Floor(steps):0} steps; at most {LoadPhase.MaxPhases}: raise --step-rate or lower --max-rate.");
            mode = LoadMode.Stress;
            phases = LoadPhase.CheckedList([.. stressSettings.Steps().Select(p => LoadPhase.Checked(p.Name, p.Duration, p.Rate))]);
        }
        else
        {
            mode = LoadMode.Open;
            phases = phasesText is not null ? LoadPhase.ParseList(phasesText) : file?.Phases ?? LoadPhase.ParseList(LoadPhase.DefaultPhases);
        }

        return new LoadSettings(server, mode, phases, scenarios, connections ?? 0, concept.Trim(), sessions, maxInFlight, timeout, budget,
            parse.GetValue(_seed) ?? 1, output, !parse.GetValue(_noCrossCheck) && selfTestServer is null, parse.GetValue(_verify), requests ?? 0);
    }

    private static Uri ServerUri(string? url)
    {
        if (url is null) throw CommandException.Usage("Name the server to load, e.g. promptly load http://127.0.0.1:5080 (or --self-test).");
        return ServerUrl.Parse(url) ?? throw CommandException.Usage($"The server must be an http(s) URL such as http://127.0.0.1:5080, not '{url}'.");
    }

    private static TimeSpan Duration(string text, string option) => LoadPhase.ParseDuration(text, option);

    private static double Rate(double rate, string option) => rate > 0 && rate <= LoadPhase.MaxRate
        ? rate
        : throw CommandException.Usage($"{option} must be more than 0 and at most {LoadPhase.MaxRate:0}/s, not {rate}.");
}
