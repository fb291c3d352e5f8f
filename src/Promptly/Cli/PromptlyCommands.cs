using System.CommandLine;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using Promptly.Http;
using Promptly.Load;
using Promptly.Storage;

namespace Promptly.Cli;

/// <summary>
/// The commands of the <c>promptly</c> executable besides serving: <c>analyze</c>, <c>bench</c>, <c>load</c>. Each writes its
/// results to the context's console and any error as one line on stderr, and exits with one of <see cref="ExitCodes"/>.
/// </summary>
internal static class PromptlyCommands
{
    private static readonly string[] Names = ["analyze", BenchCommand.Name, LoadCommand.Name, TalkCommand.Name, VoiceLoadCommand.Name];

    // Asked for alone, help and version describe the command line instead of starting the server.
    private static readonly string[] RootOptions = ["--help", "-h", "-?", "/?", "--version"];

    /// <summary>
    /// Whether <paramref name="args"/> name a command (or ask for help) rather than options of the server. A first
    /// word that is no server setting (none of <c>--key value</c>, <c>/key value</c>, <c>key=value</c>) is taken for
    /// a command too, so that a mistyped one (<c>promptly analyse</c>) is refused instead of starting a server that
    /// would ignore it.
    /// </summary>
    public static bool Handles(string[] args) =>
        args.Length > 0 && (Names.Contains(args[0]) || args.Length == 1 && RootOptions.Contains(args[0]) || IsBareWord(args[0]));

    private static bool IsBareWord(string arg) => arg.Length > 0 && arg[0] is not ('-' or '/') && !arg.Contains('=');

    public static async Task<int> RunAsync(string[] args, CliContext context, CancellationToken cancellationToken = default)
    {
        var root = new RootCommand("Promptly: AI-led interviews within a latency budget. With no command it serves the API "
            + "(--urls http://127.0.0.1:5080 chooses the address; settings as --Section:Key=value).")
        {
            AnalyzeCommand.Create(context),
            BenchCommand.Create(context),
            LoadCommand.Create(context),
            TalkCommand.Create(context),
            VoiceLoadCommand.Create(context),
        };
        if (args.Length > 0 && IsBareWord(args[0]) && !Names.Contains(args[0]))
        {
            return Fail(context, ExitCodes.Usage, $"'{args[0]}' is no command; the commands are {string.Join(", ", Names)}, and with none (or only --settings) the server starts.");
        }

        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            var more = parse.Errors.Count > 1 ? $" (and {parse.Errors.Count - 1} more)" : "";
            return Fail(context, ExitCodes.Usage, parse.Errors[0].Message + more);
        }

        return await parse.InvokeAsync(new InvocationConfiguration { Output = context.Out.Profile.Out.Writer, Error = context.Error }, cancellationToken);
    }

    /// <summary>Writes what went wrong as one line and returns the exit code that says what kind of failure it was.</summary>
    public static int Fail(CliContext context, Exception e, CancellationToken cancellationToken)
    {
        var (code, message) = e switch
        {
            CommandException cli => (cli.ExitCode, cli.Message),
            ApiProblemException problem when problem.Status == StatusCodes.Status400BadRequest => (ExitCodes.Usage, problem.Message),
            OptionsValidationException invalid => (ExitCodes.Usage, $"Invalid configuration: {invalid.Message}"),
            StorageUnavailableException or SqliteException => (ExitCodes.Unavailable, $"The database cannot be read: {e.Message}"),
            IOException or UnauthorizedAccessException => (ExitCodes.Unavailable, e.Message),
            OperationCanceledException when cancellationToken.IsCancellationRequested => (ExitCodes.Unavailable, "Cancelled."),
            _ => (ExitCodes.Unavailable, $"{e.GetType().Name}: {e.Message}"),
        };
        return Fail(context, code, message);
    }

    public static int Fail(CliContext context, int code, string message)
    {
        context.Error.WriteLine($"error: {message.ReplaceLineEndings(" ")}");
        return code;
    }
}
