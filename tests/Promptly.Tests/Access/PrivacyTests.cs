using System.Net;
using System.Net.Http.Headers;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Promptly.Interviews;
using Promptly.Tests.Support;

namespace Promptly.Tests.Access;

/// <summary>Erasing a candidate's data, on request and by retention, and keeping it out of the logs.</summary>
public sealed class PrivacyTests
{
    private const string Candidate = "Zelda Quillfeather";
    private const string Answer = "I take oat milk with my xyzzy-morning coffee.";

    [Fact]
    public async Task Delete_ErasesTranscriptNameAndToken_KeepsAnonymousLatency()
    {
        await using var server = new PromptlyFactory();
        var operatorClient = server.CreateClient();
        var started = await operatorClient.StartAsync(candidate: Candidate);
        var id = started.Id();
        await operatorClient.TurnAsync(id, Answer);
        await operatorClient.TurnAsync(id, Answer);

        var erased = await operatorClient.DeleteJsonAsync($"/sessions/{id}");

        Assert.True(erased["erased"]!.GetValue<bool>());
        await operatorClient.GetJsonAsync($"/sessions/{id}", HttpStatusCode.NotFound);
        // Its anonymous latency records stay for the analytics, not as a session's.
        await operatorClient.GetJsonAsync($"/sessions/{id}/latency", HttpStatusCode.NotFound);
        await operatorClient.DeleteJsonAsync($"/sessions/{id}", HttpStatusCode.NotFound);
        var candidate = server.CreateClient();
        candidate.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", started["token"]!.GetValue<string>());
        await candidate.GetJsonAsync($"/sessions/{id}", HttpStatusCode.Forbidden);

        var rows = Rows(server, id);
        Assert.Equal((0, 0, 3), (rows.Messages, rows.Named, rows.Latency));
        Assert.DoesNotContain(Candidate, rows.AllText);
        Assert.DoesNotContain("xyzzy", rows.AllText);
    }

    [Fact]
    public async Task Retention_ErasesSessionsPastTranscriptRetentionDays_LeavesNewerOnes()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var server = PromptlyFactory.OnClock(time, new() { ["Privacy:TranscriptRetentionDays"] = "30" });
        var client = server.CreateClient();
        var old = (await client.StartAsync(candidate: Candidate)).Id();
        await client.TurnAsync(old, Answer);
        await client.PostJsonAsync($"/sessions/{old}/end", new { });
        time.Advance(TimeSpan.FromDays(20));
        var recent = (await client.StartAsync(candidate: Candidate)).Id();
        time.Advance(TimeSpan.FromDays(11));

        // The server's own pass may have run already as the fake clock jumped; either way one pass leaves this state.
        await server.Services.GetRequiredService<TranscriptRetention>().ApplyAsync(CancellationToken.None);

        await client.GetJsonAsync($"/sessions/{old}", HttpStatusCode.NotFound);
        Assert.Equal(Candidate, (await client.GetJsonAsync($"/sessions/{recent}"))["candidate"]!.GetValue<string>());
    }

    [Fact]
    public async Task CandidateNamesAndAnswers_NeverReachTheLogs()
    {
        await using var server = new PromptlyFactory();
        var client = server.CreateClient();
        var id = (await client.StartAsync(candidate: Candidate)).Id();
        await client.TurnAsync(id, Answer);
        await client.PostJsonAsync("/invitations", new { concept_id = "oat_milk_v1", candidate = Candidate });
        await client.PostJsonAsync($"/sessions/{id}/end", new { });

        lock (server.Logs)
        {
            Assert.DoesNotContain(server.Logs, line => line.Contains(Candidate) || line.Contains("xyzzy"));
        }
    }

    /// <summary>What the database holds of a session, read from its file.</summary>
    private static (int Messages, int Named, int Latency, string AllText) Rows(PromptlyFactory server, string id)
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(server.DataFolder, "promptly.db")};Mode=ReadOnly;Pooling=False");
        connection.Open();
        int Count(string sql)
        {
            using var command = connection.CreateCommand();
            command.CommandText = sql;
            command.Parameters.AddWithValue("@id", id);
            return Convert.ToInt32(command.ExecuteScalar());
        }

        using var dump = connection.CreateCommand();
        dump.CommandText = "SELECT coalesce(group_concat(candidate), '') FROM (SELECT candidate FROM sessions UNION ALL SELECT candidate FROM latency_records UNION ALL SELECT content FROM messages)";
        return (
            Count("SELECT count(*) FROM messages WHERE session_key = (SELECT search_key FROM sessions WHERE id = @id)"),
            Count("SELECT count(*) FROM sessions WHERE id = @id AND candidate IS NOT NULL") + Count("SELECT count(*) FROM latency_records WHERE session_id = @id AND candidate IS NOT NULL"),
            Count("SELECT count(*) FROM latency_records WHERE session_id = @id"),
            (string)dump.ExecuteScalar()!);
    }
}
