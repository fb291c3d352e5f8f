using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Promptly.Http;
using Promptly.Tests.Support;

namespace Promptly.Tests.Http;

/// <summary>The drain before a stop: answers go on, each closing its connection, and health says 503 draining.</summary>
public sealed class ShutdownDrainTests
{
    [Fact]
    public async Task Stopping_WithADrain_KeepsAnsweringClosingEachConnectionUntilTheDrainHasPassed()
    {
        var time = new FakeTimeProvider();
        await using var server = PromptlyFactory.OnClock(time, new Dictionary<string, string?> { ["Shutdown:DrainSeconds"] = "5" });
        var client = server.CreateClient();
        var drain = server.Services.GetRequiredService<ShutdownDrain>();
        Assert.Null((await client.GetAsync("/concepts")).Headers.ConnectionClose);

        // The step the host takes first when told to stop, before the web server stops listening.
        var stopping = drain.StoppingAsync(CancellationToken.None);

        var health = await client.GetAsync("/health");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
        Assert.Equal("draining", JsonNode.Parse(await health.Content.ReadAsStringAsync())!["status"]!.GetValue<string>());
        var answer = await client.GetAsync("/concepts");
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.True(answer.Headers.ConnectionClose);
        Assert.False(stopping.IsCompleted);

        time.Advance(TimeSpan.FromSeconds(5));
        await stopping.WaitAsync(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task Stopping_WithoutADrain_StopsAtOnce()
    {
        await using var server = new PromptlyFactory();

        await server.Services.GetRequiredService<ShutdownDrain>().StoppingAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(HttpStatusCode.OK, (await server.CreateClient().GetAsync("/health")).StatusCode);
    }
}
