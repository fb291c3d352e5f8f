using System.Diagnostics;

namespace Promptly.Tests.Support;

/// <summary>The built <c>promptly</c> executable beside the tests (<c>dotnet Promptly.dll …</c>), for tests that run it as its own process.</summary>
internal static class PromptlyExecutable
{
    /// <summary>How to start <c>Promptly.dll</c> with <paramref name="args"/> in <paramref name="workingDirectory"/>, its output redirected.</summary>
    public static ProcessStartInfo StartInfo(IEnumerable<string> args, string workingDirectory)
    {
        // DOTNET_HOST_PATH is the dotnet that runs the tests (the SDK sets it), so the child runs on the same runtime.
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Promptly.dll"));
        foreach (var arg in args) start.ArgumentList.Add(arg);
        return start;
    }
}
