using System.Diagnostics;
using CsCheck;
using Promptly.Tests.Support;
using Promptly.Tests.Support.Fuzzing;
using Xunit.Abstractions;

namespace Promptly.Tests.Http;

/// <summary>
/// Every route the server maps, sent generated and mutated bodies and query strings (<see cref="ApiFuzzer"/>): no
/// answer is a 5xx, every 4xx is a problem, and a rejected request stores nothing. A failure names its request and
/// CsCheck's seed: <c>CsCheck_Seed=… dotnet test --filter ApiFuzzTests</c> sends that batch again first.
/// </summary>
public sealed class ApiFuzzTests(ITestOutputHelper output)
{
    [Fact]
    public async Task EveryRouteThatTakesABody_HasAValidBodyToMutate()
    {
        await using var server = new PromptlyFactory();
        server.CreateClient().Dispose();

        var unknown = FuzzRoute.Unknown(FuzzRoute.Discover(server.Services)).Select(r => r.Key);

        Assert.True(!unknown.Any(), $"Add a valid body (or null, for none) to FuzzRoute.ValidBodies for: {string.Join(", ", unknown)}");
    }

    [Fact]
    public async Task GeneratedRequests_NoneAnswers5xx_EveryRejectionIsAProblemAndStoresNothing()
    {
        await using var fuzzer = await ApiFuzzer.StartAsync();
        var batches = (FuzzCount.Requests + ApiFuzzer.BatchSize - 1) / ApiFuzzer.BatchSize;
        var started = Stopwatch.GetTimestamp();

        await FuzzRequest.For(fuzzer.Routes).Array[ApiFuzzer.BatchSize].SampleAsync(fuzzer.RunAsync, output.WriteLine, iter: batches, threads: 1,
            print: batch => string.Join("\n", batch.Select(r => r.ToString())));

        output.WriteLine($"{batches * ApiFuzzer.BatchSize:N0} generated requests over {fuzzer.Routes.Count} routes in {Stopwatch.GetElapsedTime(started).TotalSeconds:F1} s: {fuzzer.Report()}");
        Assert.All(fuzzer.Routes, r => Assert.True(fuzzer.SentByRoute.GetValueOrDefault(r.Key) > 0, $"{r.Key} was never sent a request"));
    }
}
