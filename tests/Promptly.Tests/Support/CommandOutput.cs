using Promptly.Cli;

namespace Promptly.Tests.Support;

/// <summary>Runs one command of the <c>promptly</c> executable in-process, its output and errors written to strings.</summary>
internal static class CommandOutput
{
    /// <param name="server">Sends the command's HTTP requests (the test server's handler); a socket when null.</param>
    public static async Task<(int ExitCode, string Output, string Error)> RunAsync(string command, HttpMessageHandler? server, string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await PromptlyCommands.RunAsync([command, .. args], CliContext.Over(output, error, server, apiKey: PromptlyFactory.OperatorKey));
        return (code, output.ToString(), error.ToString());
    }
}
