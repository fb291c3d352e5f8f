using System.Net;
using Npgsql;
using Promptly.Tests.Interviews;
using Promptly.Tests.Support;

namespace Promptly.Tests.Storage.Postgres;

/// <summary>The whole server over PostgreSQL (<c>Storage:Provider=postgres</c>), through its HTTP API.</summary>
public sealed class PostgresApiTests
{
    [FactWhenInstalled(Needs.Postgres)]
    public async Task TextInterview_OverPostgres_RunsToItsEndAndIsStored()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var factory = new PromptlyFactory(database.ServerSettings());
        var client = factory.CreateClient();

        var id = (await client.StartAsync("software_engineer_practice", candidate: "Ada")).Id();
        for (var i = 0; i < InterviewApiTests.ThoroughAnswers.Length; i++)
        {
            var turn = await client.TurnAsync(id, InterviewApiTests.ThoroughAnswers[i]);
            Assert.Equal(i + 1, turn["question_number"]!.GetValue<int>());
        }

        var state = await client.GetJsonAsync($"/sessions/{id}");
        Assert.Equal("completed", state["status"]!.GetValue<string>());
        Assert.Equal(21, state["transcript"]!.AsArray().Count);
        await client.TurnAsync(id, "One more thing.", HttpStatusCode.Conflict);
        var latency = await client.GetJsonAsync($"/sessions/{id}/latency");
        Assert.Equal(11, latency["total_responses"]!.GetValue<int>());
        var found = await client.GetJsonAsync("/sessions?q=payment");
        Assert.Equal([id], found["sessions"]!.AsArray().Select(s => s!["id"]!.GetValue<string>()));

        // Stored in the database, not in the server: the rows are there for any other instance.
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using var count = new NpgsqlCommand("SELECT count(*) FROM messages WHERE session_id = $1", connection) { Parameters = { new() { Value = id } } };
        Assert.Equal(21L, await count.ExecuteScalarAsync());
    }

    [FactWhenInstalled(Needs.Postgres)]
    public async Task Turns_AlternatingBetweenTwoServers_EachAnswersFromTheStoredSession()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var first = new PromptlyFactory(database.ServerSettings());
        await using var second = new PromptlyFactory(database.ServerSettings());
        HttpClient[] servers = [first.CreateClient(), second.CreateClient()];
        var id = (await servers[0].StartAsync("software_engineer_practice")).Id();
        // Each server holds the session in memory once it has seen it; from then on every turn moves it on elsewhere.
        await servers[1].GetJsonAsync($"/sessions/{id}");

        for (var i = 0; i < InterviewApiTests.ThoroughAnswers.Length; i++)
        {
            var turn = await servers[i % 2].TurnAsync(id, InterviewApiTests.ThoroughAnswers[i]);
            Assert.Equal(i + 1, turn["question_number"]!.GetValue<int>());
            // The other server shows the turn just taken, not the copy it held.
            var seen = await servers[(i + 1) % 2].GetJsonAsync($"/sessions/{id}");
            Assert.Equal(i + 1, seen["question_number"]!.GetValue<int>());
            Assert.Equal(turn["message"]!.GetValue<string>(), seen["transcript"]!.AsArray()[^1]!["content"]!.GetValue<string>());
        }

        var done = await servers[0].GetJsonAsync($"/sessions/{id}");
        Assert.Equal("completed", done["status"]!.GetValue<string>());
        var transcript = done["transcript"]!.AsArray();
        Assert.Equal(Enumerable.Range(0, 21), transcript.Select(m => m!["seq"]!.GetValue<int>()));
        Assert.Equal(InterviewApiTests.ThoroughAnswers, transcript.Where(m => m!["role"]!.GetValue<string>() == "candidate").Select(m => m!["content"]!.GetValue<string>()));
        await servers[1].TurnAsync(id, "One more thing.", HttpStatusCode.Conflict);

        // Erased through one server, it is gone through the other too, its latency included.
        // The greeting and the ten turns.
        Assert.Equal(11, (await servers[1].GetJsonAsync($"/sessions/{id}/latency"))["responses"]!.AsArray().Count);
        await servers[0].DeleteJsonAsync($"/sessions/{id}");
        await servers[1].GetJsonAsync($"/sessions/{id}/latency", HttpStatusCode.NotFound);
        await servers[1].GetJsonAsync($"/sessions/{id}", HttpStatusCode.NotFound);
    }

    [FactWhenInstalled(Needs.Postgres)]
    public async Task DatabaseGone_HealthAndTurns_Answer503()
    {
        var database = await TestDatabase.CreateAsync();
        await using var factory = new PromptlyFactory(database.ServerSettings());
        var client = factory.CreateClient();
        var id = (await client.StartAsync()).Id();

        // Dropping the database ends the server's connections and refuses new ones.
        await database.DisposeAsync();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await client.GetAsync("/health")).StatusCode);
        var problem = await client.TurnAsync(id, "Still there?", HttpStatusCode.ServiceUnavailable);
        Assert.Equal("Storage unavailable", problem["title"]!.GetValue<string>());
        await client.GetJsonAsync($"/sessions?q=there", HttpStatusCode.ServiceUnavailable);
    }
}
