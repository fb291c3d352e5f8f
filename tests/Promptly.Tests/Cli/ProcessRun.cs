using System.Diagnostics;
using Promptly.Tests.Support;

namespace Promptly.Tests.Cli;

/// <summary>Runs the real executable (<c>dotnet Promptly.dll analyze …</c>), as a user would, through Program's dispatch.</summary>
public static class ProcessRun
{
    public static async Task<AnalyzeRun> AnalyzeAsync(IDictionary<string, string>? environment, params string[] args)
    {
        var start = PromptlyExecutable.StartInfo(["analyze", .. args], Path.GetTempPath());
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) start.Environment[name] = value;

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();

        // Not a timing assertion: only keeps a hung child from hanging the test run.
        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(limit.Token);
        return new AnalyzeRun(process.ExitCode, await output, await error);
    }
}
