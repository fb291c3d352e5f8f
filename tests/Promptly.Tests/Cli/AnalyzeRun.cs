using Promptly.Tests.Support;

namespace Promptly.Tests.Cli;

/// <summary>What one <c>promptly analyze</c> run printed and exited with.</summary>
public sealed record AnalyzeRun(int ExitCode, string Output, string Error) : CommandRun(ExitCode, Output, Error)
{
    /// <summary>Runs <c>analyze</c> with <paramref name="args"/>, writing to strings; <paramref name="server"/> sends any --server requests.</summary>
    public static async Task<AnalyzeRun> RunAsync(HttpMessageHandler? server, params string[] args)
    {
        var (code, output, error) = await CommandOutput.RunAsync("analyze", server, args);
        return new AnalyzeRun(code, output, error);
    }

    public static Task<AnalyzeRun> RunAsync(params string[] args) => RunAsync(null, args);

    public string[] OutputLines => Output.Split('\n', StringSplitOptions.TrimEntries);

    /// <summary>
    /// The words of the first table row or figure line that starts with <paramref name="first"/> followed by a space
    /// (the scope line, which starts with a date too, is not one).
    /// </summary>
    public string[] Row(string first) =>
        OutputLines.FirstOrDefault(l => l.StartsWith(first + " ", StringComparison.Ordinal) && !l.Contains(" UTC", StringComparison.Ordinal))?.Split(' ', StringSplitOptions.RemoveEmptyEntries)
        ?? throw new Xunit.Sdk.XunitException($"No line starts with '{first}' in:\n{Output}");

    /// <summary>Asserts the run failed with <paramref name="code"/>, printed nothing, and explained it in one line on stderr.</summary>
    public override void AssertFailed(int code, string containing)
    {
        base.AssertFailed(code, containing);
        Assert.Equal("", Output);
    }
}
