using Promptly.Load;
using Spectre.Console;

namespace Promptly.Cli;

/// <summary>Where a command writes and how it reaches a server: the process's console, or writers and an in-memory server in tests.</summary>
/// <param name="Out">Reports (tables, JSON, help).</param>
/// <param name="Error">The one line of an error.</param>
/// <param name="ServerHandler">Sends <c>--server</c> requests; a new socket handler when null.</param>
internal sealed record CliContext(IAnsiConsole Out, TextWriter Error, HttpMessageHandler? ServerHandler = null)
{
    /// <summary>The operator key sent to a server (<c>PROMPTLY_KEY</c>); null sends none.</summary>
    public string? ApiKey { get; init; }

    private const int RedirectedWidth = 160;

    public static CliContext System()
    {
        var console = AnsiConsole.Console;

        // A file or pipe has no width; Spectre's default of 80 columns would wrap the wide tables for nothing.
        if (Console.IsOutputRedirected) console.Profile.Width = RedirectedWidth;
        return new CliContext(console, Console.Error) { ApiKey = ServerKey.FromEnvironment() };
    }

    /// <summary>Plain text (no colours, no cursor moves) <paramref name="width"/> columns wide into <paramref name="output"/>.</summary>
    public static CliContext Over(TextWriter output, TextWriter error, HttpMessageHandler? serverHandler = null, int width = 200, string? apiKey = null)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(output),
        });
        console.Profile.Width = width;
        return new CliContext(console, error, serverHandler) { ApiKey = apiKey };
    }
}
