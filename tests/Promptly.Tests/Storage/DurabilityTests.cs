using Promptly.Tests.Interviews;
using Promptly.Tests.Support;

namespace Promptly.Tests.Storage;

public sealed class DurabilityTests
{
    [Fact]
    public async Task Restart_SameDataFolder_SessionContinuesWhereItStopped()
    {
        var first = new PromptlyFactory();
        var client = first.CreateClient();
        var id = (await client.StartAsync("software_engineer_practice", candidate: "Linus")).Id();
        for (var i = 0; i < 3; i++) await client.TurnAsync(id, InterviewApiTests.ThoroughAnswers[i]);
        var before = await client.GetJsonAsync($"/sessions/{id}");
        await using var second = await first.RestartAsync();
        var again = second.CreateClient();
        var after = await again.GetJsonAsync($"/sessions/{id}");
        Assert.Equal(before["transcript"]!.ToJsonString(), after["transcript"]!.ToJsonString());
        Assert.Equal("Linus", after["candidate"]!.GetValue<string>());

        // The replayed plan asks the fourth element next, as the uninterrupted interview would have.
        var turn = await again.TurnAsync(id, InterviewApiTests.ThoroughAnswers[3]);
        Assert.Equal(4, turn["question_number"]!.GetValue<int>());
        Assert.Equal("testing", turn["element_id"]!.GetValue<string>());
        var latency = await again.GetJsonAsync($"/sessions/{id}/latency");
        Assert.Equal(5, latency["total_responses"]!.GetValue<int>());
    }

    [Fact]
    public async Task ManyConcurrentSessions_EveryAcknowledgedTurnStored()
    {
        var factory = new PromptlyFactory();
        var client = factory.CreateClient();
        var ids = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => client.StartAsync()));
        var acknowledged = await Task.WhenAll(ids.Select(async s =>
        {
            var last = 0;
            for (var i = 0; i < 5; i++) last = (await client.TurnAsync(s.Id(), "Creamy and smooth because it froths well for my coffee"))["question_number"]!.GetValue<int>();
            return (Id: s.Id(), Last: last);
        }));
        await using var restarted = await factory.RestartAsync();
        var again = restarted.CreateClient();
        foreach (var (id, last) in acknowledged)
        {
            var state = await again.GetJsonAsync($"/sessions/{id}");
            Assert.Equal(last, state["question_number"]!.GetValue<int>());
            Assert.Equal(1 + 2 * last, state["transcript"]!.AsArray().Count);
        }
    }
}
