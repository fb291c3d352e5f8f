using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using Promptly.Tests.Support;

namespace Promptly.Tests.Access;

/// <summary>Operators' keys and candidates' session tokens: who gets in where, and what a refusal looks like.</summary>
public sealed class AccessTests
{
    private const string Answer = "I like oat milk in my coffee every morning.";

    private static HttpClient As(PromptlyFactory server, string? bearer)
    {
        var client = server.CreateClient();
        client.DefaultRequestHeaders.Authorization = bearer is null ? null : new AuthenticationHeaderValue("Bearer", bearer);
        return client;
    }

    private static async Task<(string Id, string Token)> StartPracticeAsync(HttpClient anonymous)
    {
        var started = await anonymous.StartAsync();
        return (started.Id(), started["token"]!.GetValue<string>());
    }

    [Fact]
    public async Task NoCredentials_Is401_WrongKey_Is403_BothProblemJson()
    {
        await using var server = new PromptlyFactory();

        var none = await As(server, null).GetAsync("/api/latency/budget");
        var wrong = await As(server, "not-a-key").GetAsync("/api/latency/budget");

        Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
        Assert.Equal("Bearer", none.Headers.WwwAuthenticate.Single().Scheme);
        Assert.Equal(HttpStatusCode.Forbidden, wrong.StatusCode);
        Assert.All([none, wrong], r => Assert.Equal("application/problem+json", r.Content.Headers.ContentType?.MediaType));
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("text/event-stream")]
    public async Task Refusals_AreProblemJson_WhateverTheClientAccepts(string accept)
    {
        await using var server = new PromptlyFactory(new() { ["RateLimits:FailedAuthPerAddress"] = "1", ["RateLimits:WindowSeconds"] = "3600" });
        var client = As(server, null);
        client.DefaultRequestHeaders.Accept.ParseAdd(accept);
        var guesser = As(server, "guess");
        guesser.DefaultRequestHeaders.Accept.ParseAdd(accept);

        var answers = new[] { await client.GetAsync("/api/errors"), await guesser.GetAsync("/api/errors"), await guesser.GetAsync("/api/errors") };

        Assert.Equal([HttpStatusCode.Unauthorized, HttpStatusCode.Forbidden, HttpStatusCode.TooManyRequests], answers.Select(a => a.StatusCode));
        Assert.All(answers, a => Assert.Equal("application/problem+json", a.Content.Headers.ContentType?.MediaType));
    }

    [Fact]
    public async Task CandidateToken_GrantsItsOwnSessionOnly()
    {
        await using var server = new PromptlyFactory();
        var anonymous = As(server, null);
        var (mine, token) = await StartPracticeAsync(anonymous);
        var (theirs, _) = await StartPracticeAsync(anonymous);
        var candidate = As(server, token);

        await candidate.TurnAsync(mine, Answer);
        Assert.Equal(mine, (await candidate.GetJsonAsync($"/sessions/{mine}")).Id());
        await candidate.PostJsonAsync($"/sessions/{mine}/end", new { });

        // Another session, one that does not exist and the operator's routes: the same refusal, saying nothing of what exists.
        await candidate.GetJsonAsync($"/sessions/{theirs}", HttpStatusCode.Forbidden);
        await candidate.GetJsonAsync("/sessions/0123456789abcdef0123456789abcdef", HttpStatusCode.Forbidden);
        await candidate.TurnAsync(theirs, Answer, HttpStatusCode.Forbidden);
        await candidate.GetJsonAsync($"/sessions/{mine}/latency", HttpStatusCode.Forbidden);
        await candidate.GetJsonAsync("/api/errors", HttpStatusCode.Forbidden);
        await candidate.PostJsonAsync("/invitations", new { concept_id = "oat_milk_v1" }, HttpStatusCode.Forbidden);
        Assert.Single((await server.CreateClient().GetJsonAsync($"/sessions/{theirs}"))["transcript"]!.AsArray());
    }

    [Fact]
    public async Task Token_IsStoredOnlyAsAHash()
    {
        var server = new PromptlyFactory(dataFolder: PromptlyFactory.NewDataFolder());
        var (id, token) = await StartPracticeAsync(As(server, null));
        await server.DisposeAsync();

        var database = await File.ReadAllBytesAsync(Path.Combine(server.DataFolder, "promptly.db"));
        var wal = Path.Combine(server.DataFolder, "promptly.db-wal");
        var all = File.Exists(wal) ? [.. database, .. await File.ReadAllBytesAsync(wal)] : database;
        var secret = token[(id.Length + 1)..];
        Assert.True(secret.Length >= 43, "at least 256 bits");
        Assert.DoesNotContain(secret, System.Text.Encoding.ASCII.GetString(all));
    }

    [Fact]
    public async Task Token_ExpiresAfterAuthSessionTokenHours()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var server = PromptlyFactory.OnClock(time, new() { ["Auth:SessionTokenHours"] = "2" });
        var (id, token) = await StartPracticeAsync(As(server, null));
        var candidate = As(server, token);

        time.Advance(TimeSpan.FromHours(1.9));
        await candidate.GetJsonAsync($"/sessions/{id}");
        time.Advance(TimeSpan.FromHours(0.2));
        await candidate.GetJsonAsync($"/sessions/{id}", HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task InvitedScreening_NeedsAnInvitationOrAnOperator_PracticeIsOpenUnlessClosed()
    {
        await using (var server = new PromptlyFactory())
        {
            await As(server, null).PostJsonAsync("/sessions", new { concept_id = "oat_milk_v1", interview_type = "INVITED" }, HttpStatusCode.Unauthorized);
            var (_, token) = await StartPracticeAsync(As(server, null));
            await As(server, token).PostJsonAsync("/sessions", new { concept_id = "oat_milk_v1", interview_type = "INVITED" }, HttpStatusCode.Forbidden);
            await server.CreateClient().StartAsync(type: "INVITED");
        }

        await using (var closed = new PromptlyFactory(new() { ["Auth:OpenPracticeSessions"] = "false" }))
        {
            await As(closed, null).PostJsonAsync("/sessions", new { concept_id = "oat_milk_v1" }, HttpStatusCode.Unauthorized);
            await closed.CreateClient().StartAsync();
        }
    }

    [Fact]
    public async Task SeveralOperatorKeys_EachWorks_SoAKeyCanBeRotated()
    {
        await using var server = new PromptlyFactory(new() { ["Auth:OperatorKeys:1"] = "the-new-key" });

        await As(server, PromptlyFactory.OperatorKey).GetJsonAsync("/api/latency/budget");
        await As(server, "the-new-key").GetJsonAsync("/api/latency/budget");
    }

    [Fact]
    public async Task NoKeyConfigured_OneIsGenerated_OwnerOnly_ItsPathLoggedNotTheKey()
    {
        await using var server = new PromptlyFactory(new() { ["Auth:OperatorKeys:0"] = "" });
        server.CreateClient();

        var file = Path.Combine(server.DataFolder, "operator.key");
        var key = (await File.ReadAllTextAsync(file)).Trim();
        Assert.StartsWith("pk_", key);
        if (!OperatingSystem.IsWindows()) Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        Assert.Contains(server.Logs, line => line.Contains(file));
        Assert.DoesNotContain(server.Logs, line => line.Contains(key));
        await As(server, key).GetJsonAsync("/api/latency/budget");
        await As(server, PromptlyFactory.OperatorKey).GetJsonAsync("/api/latency/budget", HttpStatusCode.Forbidden);

        // The same key after a restart: it is kept, not made again.
        var again = await server.RestartAsync();
        await As(again, key).GetJsonAsync("/api/latency/budget");
        await again.DisposeAsync();
    }

    [Fact]
    public async Task TooManyWrongCredentials_From_AnAddress_Get429WithRetryAfter()
    {
        await using var server = new PromptlyFactory(new() { ["RateLimits:FailedAuthPerAddress"] = "3", ["RateLimits:WindowSeconds"] = "3600" });
        var guesser = As(server, "guess");

        for (var i = 0; i < 3; i++) Assert.Equal(HttpStatusCode.Forbidden, (await guesser.GetAsync("/api/errors")).StatusCode);
        var refused = await guesser.GetAsync("/api/errors");

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.InRange(refused.Headers.RetryAfter!.Delta!.Value.TotalSeconds, 1, 3600);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        await server.CreateClient().GetJsonAsync("/api/errors");
    }

    [Fact]
    public async Task CandidateTurns_AreLimitedPerSession_OperatorsAreNot()
    {
        await using var server = new PromptlyFactory(new() { ["RateLimits:TurnsPerSession"] = "2", ["RateLimits:WindowSeconds"] = "3600" });
        var (id, token) = await StartPracticeAsync(As(server, null));
        var candidate = As(server, token);

        await candidate.TurnAsync(id, Answer);
        await candidate.TurnAsync(id, Answer);
        var refused = await candidate.PostAsync($"/sessions/{id}/turns", JsonContent(new JsonObject { ["user_input"] = Answer }));

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.NotNull(refused.Headers.RetryAfter);
        await server.CreateClient().TurnAsync(id, Answer);
    }

    [Fact]
    public async Task AnonymousStarts_AreLimitedPerAddress()
    {
        await using var server = new PromptlyFactory(new() { ["RateLimits:SessionStartsPerAddress"] = "2", ["RateLimits:WindowSeconds"] = "3600" });
        var anonymous = As(server, null);

        await anonymous.StartAsync();
        await anonymous.StartAsync();
        await anonymous.PostJsonAsync("/sessions", new { concept_id = "oat_milk_v1" }, HttpStatusCode.TooManyRequests);
        await server.CreateClient().StartAsync();
    }

    [Fact]
    public async Task OpenInterviewsPerAddress_AreLimited_EndingOneMakesRoom()
    {
        await using var server = new PromptlyFactory(new() { ["RateLimits:OpenSessionsPerAddress"] = "2" });
        var anonymous = As(server, null);
        var (first, token) = await StartPracticeAsync(anonymous);
        await StartPracticeAsync(anonymous);

        var refused = await anonymous.PostJsonAsync("/sessions", new { concept_id = "oat_milk_v1" }, HttpStatusCode.TooManyRequests);
        Assert.Contains("OpenSessionsPerAddress", refused["detail"]!.GetValue<string>());
        await server.CreateClient().StartAsync();

        await As(server, token).PostJsonAsync($"/sessions/{first}/end", new { });
        await StartPracticeAsync(anonymous);
    }

    [Fact]
    public async Task Voice_TakesTheTokenAsAccessTokenInTheQuery_AndRefusesWithout()
    {
        await using var server = new PromptlyFactory(new() { ["Voice:Tts:Enabled"] = "false" });
        var (id, token) = await StartPracticeAsync(As(server, null));

        await using (var voice = await VoiceClient.ConnectAsync(server, id, token, inQuery: true))
        {
            await voice.SendJsonAsync("""{"type":"start","sample_rate":16000}""");
            await voice.NextAsync("ready");
        }

        var refused = await As(server, null).GetAsync($"/sessions/{id}/voice");
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
    }

    private static StringContent JsonContent(JsonObject body) => new(body.ToJsonString(), System.Text.Encoding.UTF8, "application/json");
}
