using Promptly.Tests.Support;
using Xunit.Abstractions;

namespace Promptly.Tests.Interviews;

/// <summary>
/// Many sessions against a provider that often fails or stalls: every turn is answered, in order, and none fails.
/// The first-token deadline is 3 s, which an answering provider on loopback meets on any machine; that a reply is
/// stored within its budget is the deadlines' promise, checked on a fake clock in <see cref="ModelCallTests"/>.
/// </summary>
public sealed class ModelInterviewerLoadTests(ITestOutputHelper output)
{
    private const int Sessions = 60;
    private const int Turns = 3;

    [Fact]
    public async Task ManySessions_FlakyAndSlowProvider_EveryTurnAnsweredInOrder()
    {
        await using var server = await FakeChatServer.StartAsync();
        // Of every ten calls three fail with 500 and one stalls for minutes; the rest answer.
        server.Behaviour = n => (n % 10) switch
        {
            0 or 3 or 7 => FakeReply.Error(500),
            4 => new FakeReply { FirstTokenDelay = TimeSpan.FromMinutes(2) },
            _ => FakeReply.Ok(),
        };
        // A breaker that opens only on a provider that fails nearly always, so this run shows the retry and deadline paths.
        await using var factory = new PromptlyFactory(server.Settings(new()
        {
            ["Interviewer:BreakerFailureRatio"] = "0.95",
            ["Interviewer:FallbackAfterMs"] = "3000",
            ["Latency:ThresholdMs"] = "60000",
        }));
        var client = factory.CreateClient();

        var ids = await Task.WhenAll(Enumerable.Range(0, Sessions).Select(async s =>
        {
            var id = (await client.StartAsync(candidate: $"c{s}")).Id();
            for (var t = 1; t <= Turns; t++)
            {
                Assert.Equal(t, (await client.TurnAsync(id, $"Answer {t} of {s}: I like it because it is creamy.", System.Net.HttpStatusCode.OK))["question_number"]!.GetValue<int>());
            }

            return id;
        }));

        var records = new List<System.Text.Json.Nodes.JsonNode>();
        foreach (var id in ids)
        {
            var transcript = (await client.GetJsonAsync($"/sessions/{id}"))["transcript"]!.AsArray();
            Assert.Equal(Enumerable.Range(0, 1 + 2 * Turns), transcript.Select(m => m!["seq"]!.GetValue<int>()));
            Assert.Equal(["interviewer", "candidate", "interviewer", "candidate", "interviewer", "candidate", "interviewer"],
                transcript.Select(m => m!["role"]!.GetValue<string>()));
            var responses = (await client.GetJsonAsync($"/sessions/{id}/latency"))["responses"]!.AsArray();
            Assert.Equal(Enumerable.Range(0, 1 + Turns), responses.Select(r => r!["question_number"]!.GetValue<int>()));
            records.AddRange(responses.Select(r => r!));
        }

        // Figures for whoever reads the run; the assertions below do not depend on the machine's speed.
        output.WriteLine($"responses {records.Count}, provider calls {server.Calls}, max {records.Max(r => r["response_time_ms"]!.GetValue<double>()):F0} ms, " +
            string.Join(", ", records.GroupBy(r => r["fallback_cause"]?.GetValue<string>().Split(':')[0] ?? "model").OrderBy(g => g.Key).Select(g => $"{g.Key} {g.Count()}")));
        Assert.All(records, r => Assert.False(r["failed"]!.GetValue<bool>()));
        var fallbacks = records.Where(r => r["fallback"]!.GetValue<bool>()).ToList();
        var causes = fallbacks.Select(r => r["fallback_cause"]!.GetValue<string>().Split(':')[0]).ToHashSet();
        Assert.Contains("first_token_deadline", causes);
        Assert.Subset(new HashSet<string> { "first_token_deadline", "provider_error", "stream_deadline", "circuit_open" }, causes);
        Assert.InRange(fallbacks.Count, 1, records.Count - 1);
        Assert.All(records.Where(r => !r["fallback"]!.GetValue<bool>()), r => Assert.NotNull(r["ai_time_to_first_token_ms"]));
    }
}
