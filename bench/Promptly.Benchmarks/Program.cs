using System.CommandLine;
using BenchmarkDotNet.Running;
using Promptly.Benchmarks.Analytics;

namespace Promptly.Benchmarks;

/// <summary>
/// dotnet run -c Release --project bench/Promptly.Benchmarks -- --filter '*' (BenchmarkDotNet), or one of the verbs
/// that build and check the analytics database: generate, verify, ingest-load.
/// </summary>
internal static class BenchmarkEntry
{
    // A named entry point: the server assembly's own top-level Program would otherwise clash with this one.
    private static async Task<int> Main(string[] args)
    {
        if (args is not ["generate" or "verify" or "ingest-load", ..])
        {
            BenchmarkSwitcher.FromAssembly(typeof(BenchmarkEntry).Assembly).Run(args);
            return 0;
        }

        var root = new RootCommand("Analytics benchmark data: generate, verify, ingest-load.")
        {
            GenerateCommand.Create(),
            VerifyCommand.Create(),
            IngestLoadCommand.Create(),
        };
        return await root.Parse(args).InvokeAsync();
    }
}
