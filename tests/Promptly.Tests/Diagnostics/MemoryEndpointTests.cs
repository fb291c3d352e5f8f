using System.Net;
using Promptly.Tests.Support;

namespace Promptly.Tests.Diagnostics;

/// <summary><c>GET /api/diagnostics/memory</c>: off unless configured, and then the process's figures.</summary>
public sealed class MemoryEndpointTests
{
    [Fact]
    public async Task Memory_NotEnabled_IsNotFound()
    {
        await using var factory = new PromptlyFactory();
        using var client = factory.CreateClient();

        using var response = await client.GetAsync("/api/diagnostics/memory");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Memory_Enabled_ReportsTheProcessAndTheCachedSessions()
    {
        await using var factory = new PromptlyFactory(new() { ["Diagnostics:MemoryEndpoint"] = "true" });
        using var client = factory.CreateClient();
        var before = await client.GetJsonAsync("/api/diagnostics/memory");
        await client.PostJsonAsync("/sessions", new { concept_id = "oat_milk_v1" });
        await client.PostJsonAsync("/sessions", new { concept_id = "oat_milk_v1" });

        var report = await client.GetJsonAsync("/api/diagnostics/memory");

        Assert.Equal(before["cached_sessions"]!.GetValue<int>() + 2, report["cached_sessions"]!.GetValue<int>());
        Assert.True(report["managed_heap_bytes"]!.GetValue<long>() > 0);
        Assert.True(report["working_set_bytes"]!.GetValue<long>() > report["managed_heap_bytes"]!.GetValue<long>() / 2);
        Assert.True(report["thread_count"]!.GetValue<int>() > 0);

        // Each call forces a full collection.
        Assert.True(report["gen2_collections"]!.GetValue<int>() > before["gen2_collections"]!.GetValue<int>());
        if (OperatingSystem.IsLinux()) Assert.True(report["open_file_descriptors"]!.GetValue<int>() > 0);
    }

    [Fact]
    public async Task Memory_TimersCreatedAndDisposed_ActiveTimersFollow()
    {
        // The server runs in this process, so timers armed here (an hour ahead: only armed ones count) are its. Other tests running
        // meanwhile make and drop timers too, but not thousands at once.
        const int Made = 10_000;
        const int Slack = 1_000;
        await using var factory = new PromptlyFactory(new() { ["Diagnostics:MemoryEndpoint"] = "true" });
        using var client = factory.CreateClient();
        var before = await ActiveTimersAsync(client);

        var timers = Enumerable.Range(0, Made).Select(_ => new Timer(_ => { }, null, TimeSpan.FromHours(1), Timeout.InfiniteTimeSpan)).ToList();
        var during = await ActiveTimersAsync(client);
        foreach (var timer in timers) await timer.DisposeAsync();
        var after = await ActiveTimersAsync(client);

        Assert.True(during >= before + Made - Slack, $"{before} before, {during} with {Made} more");
        Assert.True(after <= during - Made + Slack, $"{during} with {Made} more, {after} after disposing them");
    }

    [Fact]
    public async Task Memory_InterviewsFinishedOrEnded_AreNoLongerHeldInMemory()
    {
        await using var factory = new PromptlyFactory(new() { ["Diagnostics:MemoryEndpoint"] = "true" });
        using var client = factory.CreateClient();
        var finished = (await client.PostJsonAsync("/sessions", new { concept_id = "software_engineer_practice" }))["id"]!.GetValue<string>();
        var ended = (await client.PostJsonAsync("/sessions", new { concept_id = "software_engineer_practice" }))["id"]!.GetValue<string>();
        var open = (await client.PostJsonAsync("/sessions", new { concept_id = "software_engineer_practice" }))["id"]!.GetValue<string>();
        Assert.Equal(3, await CachedAsync(client));

        // Short answers without a reason: each question is probed once, and the 20th turn closes the interview.
        var done = false;
        for (var turn = 0; turn < 30 && !done; turn++)
        {
            done = (await client.PostJsonAsync($"/sessions/{finished}/turns", new { user_input = "Queues." }))["done"]!.GetValue<bool>();
        }

        Assert.True(done);
        await client.PostJsonAsync($"/sessions/{ended}/end", new { });

        Assert.Equal(1, await CachedAsync(client));

        // Still there to read and still closed, and reading them does not put them back.
        Assert.Equal("completed", (await client.GetJsonAsync($"/sessions/{finished}"))["status"]!.GetValue<string>(), ignoreCase: true);
        await client.PostJsonAsync($"/sessions/{ended}/turns", new { user_input = "One more." }, HttpStatusCode.Conflict);
        await client.PostJsonAsync($"/sessions/{open}/turns", new { user_input = "Queues." });
        Assert.Equal(1, await CachedAsync(client));
    }

    private static async Task<long> ActiveTimersAsync(HttpClient client) =>
        (await client.GetJsonAsync("/api/diagnostics/memory"))["active_timers"]!.GetValue<long>();

    private static async Task<int> CachedAsync(HttpClient client) =>
        (await client.GetJsonAsync("/api/diagnostics/memory"))["cached_sessions"]!.GetValue<int>();
}
