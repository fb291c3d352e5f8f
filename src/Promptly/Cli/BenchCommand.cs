using System.CommandLine;
using System.Globalization;
using Promptly.Bench;
using Promptly.Load;

namespace Promptly.Cli;

/// <summary>
/// <c>promptly bench URL</c>: measures a running server's turn latency from outside, one turn at a time, next to
/// the server's own record of each turn, and exits 0 when the p95 is within the budget (see <see cref="ExitCodes"/>).
/// </summary>
internal sealed class BenchCommand
{
    public const string Name = "bench";

    private readonly Argument<string> _url = new("url") { Description = "The server's base URL, http or https (e.g. http://localhost:5000)." };
    private readonly Option<int> _turns = new("--turns") { Description = $"Turns to measure, 1 to {BenchArguments.MaxTurns:#,0}.", HelpName = "N", DefaultValueFactory = _ => BenchArguments.DefaultTurns };
    private readonly Option<double> _budget = new("--p95-budget-ms") { Description = "The client-side p95 the turns must stay within.", HelpName = "MS", DefaultValueFactory = _ => BenchArguments.DefaultP95BudgetMs };
    private readonly Option<string> _concept = new("--concept") { Description = "The guide to interview on.", HelpName = "ID", DefaultValueFactory = _ => BenchArguments.DefaultConcept };
    private readonly Option<double> _timeout = new("--timeout") { Description = "Seconds one request may take before the run fails.", HelpName = "SECONDS", DefaultValueFactory = _ => BenchArguments.DefaultTimeoutSeconds };
    private readonly Option<bool> _json = new("--json") { Description = "Print the result as one JSON object." };

    /// <summary>The <c>bench</c> command, writing to <paramref name="context"/> and sending through its server handler.</summary>
    public static Command Create(CliContext context) => new BenchCommand().Build(context);

    private Command Build(CliContext context)
    {
        var bench = new Command(Name, "Runs N turns against a running server, one at a time, and checks their p95 against a budget. " +
            "Exit codes: 0 within budget, 1 over budget, 2 server unreachable or failing, 3 bad arguments.")
        {
            _url, _turns, _budget, _concept, _timeout, _json,
        };
        bench.SetAction((parse, token) => ExecuteAsync(parse, context, token));
        return bench;
    }

    private async Task<int> ExecuteAsync(ParseResult parse, CliContext context, CancellationToken cancellationToken)
    {
        try
        {
            var arguments = Read(parse);
            using var runner = BenchRunner.Create(arguments, context.ServerHandler, context.ApiKey, TimeProvider.System);
            var result = await runner.RunAsync(arguments, cancellationToken);
            if (arguments.Json) BenchOutput.WriteJson(context.Out.Profile.Out.Writer, result);
            else BenchOutput.WriteTable(context.Out, result);
            return result.WithinBudget ? ExitCodes.Ok : ExitCodes.BudgetMissed;
        }
        catch (Exception e)
        {
            return PromptlyCommands.Fail(context, e, cancellationToken);
        }
    }

    private BenchArguments Read(ParseResult parse)
    {
        var url = parse.GetValue(_url);
        var server = ServerUrl.Parse(url) ?? throw Usage($"The URL must be http(s), such as http://localhost:5000, not '{url}'.");

        var turns = parse.GetValue(_turns);
        if (turns is < 1 or > BenchArguments.MaxTurns)
        {
            throw Usage($"--turns must be from 1 to {BenchArguments.MaxTurns.ToString("#,0", CultureInfo.InvariantCulture)}, not {turns}.");
        }

        var budget = parse.GetValue(_budget);
        if (!double.IsFinite(budget) || budget <= 0) throw Usage($"--p95-budget-ms must be a positive number of milliseconds, not {budget}.");

        var timeout = parse.GetValue(_timeout);
        if (!double.IsFinite(timeout) || timeout is <= 0 or > 3600) throw Usage($"--timeout must be more than 0 and at most 3600 seconds, not {timeout}.");

        var concept = parse.GetValue(_concept);
        if (string.IsNullOrWhiteSpace(concept)) throw Usage("--concept must name a guide.");

        return new BenchArguments(server, turns, budget, concept.Trim(), TimeSpan.FromSeconds(timeout), parse.GetValue(_json));
    }

    private static CommandException Usage(string message) => new(ExitCodes.Usage, message);
}
