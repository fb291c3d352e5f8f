using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using Promptly.Tests.Support;

namespace Promptly.Tests.Budget;

/// <summary>Two servers on one PostgreSQL database: a run-time override set through one is in force on the other.</summary>
public sealed class BudgetOverrideRefreshTests
{
    private const int RefreshSeconds = 5;

    private static async Task<JsonNode?> PracticeOverrideAsync(HttpClient client) =>
        (await client.GetJsonAsync("/api/latency/budget"))["runtime_overrides"]!["PRACTICE"];

    /// <summary>
    /// Moves <paramref name="time"/> one refresh ahead, then reads until <paramref name="done"/> holds: the re-read the
    /// tick sets off runs on its own, so a few reads may come before it lands (bounded, far beyond what it needs).
    /// </summary>
    private static async Task<bool> RefreshedAsync(FakeTimeProvider time, HttpClient client, Func<JsonNode?, bool> done)
    {
        time.Advance(TimeSpan.FromSeconds(RefreshSeconds));
        for (var read = 0; read < 400; read++)
        {
            if (done(await PracticeOverrideAsync(client))) return true;
            await Task.Delay(25);
        }

        return false;
    }

    [FactWhenInstalled(Needs.Postgres)]
    public async Task Override_SetAndRemovedThroughOneServer_InForceOnTheOtherAfterOneRefresh()
    {
        await using var database = await TestDatabase.CreateAsync();
        var settings = database.ServerSettings();
        settings["Latency:OverrideRefreshSeconds"] = RefreshSeconds.ToString();
        var (timeA, timeB) = (new FakeTimeProvider(), new FakeTimeProvider());
        await using var a = PromptlyFactory.OnClock(timeA, settings);
        await using var b = PromptlyFactory.OnClock(timeB, settings);
        var (clientA, clientB) = (a.CreateClient(), b.CreateClient());
        Assert.Null(await PracticeOverrideAsync(clientB));

        await clientA.PutJsonAsync("/api/latency/budget/PRACTICE", new { threshold_ms = 1234 });

        // B's clock has not moved: it has not read the database since it started.
        Assert.Null(await PracticeOverrideAsync(clientB));
        Assert.True(await RefreshedAsync(timeB, clientB, o => o?["threshold_ms"]?.GetValue<double>() == 1234));
        var thresholds = (await clientB.GetJsonAsync("/api/latency/budget"))["interview_types"]!["PRACTICE"]!;
        Assert.Equal(1234, thresholds["threshold_ms"]!.GetValue<double>());

        await clientA.DeleteJsonAsync("/api/latency/budget/PRACTICE");

        Assert.True(await RefreshedAsync(timeB, clientB, o => o is null));
    }
}
