using BenchmarkDotNet.Running;

namespace Promptly.Benchmarks;

/// <summary>dotnet run -c Release --project bench/Promptly.Benchmarks -- --filter '*'</summary>
internal static class BenchmarkEntry
{
    // A named entry point: the server assembly's own top-level Program would otherwise clash with this one.
    private static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(BenchmarkEntry).Assembly).Run(args);
}
