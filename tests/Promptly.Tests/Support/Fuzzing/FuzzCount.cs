using System.Globalization;

namespace Promptly.Tests.Support.Fuzzing;

/// <summary>How much a fuzz test generates: its CI default, or more for a longer run by hand (BENCHMARKS.md, "Fuzzing the API").</summary>
public static class FuzzCount
{
    /// <summary>HTTP requests of the API fuzz test: <c>PROMPTLY_FUZZ_REQUESTS</c>, default 100,000.</summary>
    public static int Requests => Read("PROMPTLY_FUZZ_REQUESTS", 100_000);

    /// <summary>Voice sockets of the voice fuzz test: <c>PROMPTLY_FUZZ_SOCKETS</c>, default 300.</summary>
    public static int Sockets => Read("PROMPTLY_FUZZ_SOCKETS", 300);

    private static int Read(string variable, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(variable), NumberStyles.Integer, CultureInfo.InvariantCulture, out var count) && count > 0 ? count : fallback;
}
