using Promptly.Tests.Support;

namespace Promptly.Tests.Cli;

/// <summary>What one <c>promptly bench</c> run printed and exited with.</summary>
public sealed record BenchRun(int ExitCode, string Output, string Error) : CommandRun(ExitCode, Output, Error)
{
    /// <summary>Runs <c>bench</c> with <paramref name="args"/>, writing to strings; <paramref name="server"/> sends the requests (a socket when null).</summary>
    public static async Task<BenchRun> RunAsync(HttpMessageHandler? server, params string[] args)
    {
        var (code, output, error) = await CommandOutput.RunAsync("bench", server, args);
        return new BenchRun(code, output, error);
    }

    /// <summary>The cells of the table row whose first cell is <paramref name="figure"/>.</summary>
    public string[] Row(string figure) =>
        Output.Split('\n').Select(l => l.Split('│', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            .FirstOrDefault(cells => cells.Length == 3 && cells[0] == figure)
        ?? throw new Xunit.Sdk.XunitException($"No table row '{figure}' in:\n{Output}");

    /// <summary>Asserts the run failed with <paramref name="code"/>, printed nothing, and explained it in one line on stderr.</summary>
    public override void AssertFailed(int code, string containing)
    {
        base.AssertFailed(code, containing);
        Assert.Equal("", Output);
    }
}
