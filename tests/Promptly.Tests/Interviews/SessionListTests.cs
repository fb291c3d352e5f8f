using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;
using Promptly.Storage.Sqlite;
using Promptly.Tests.Support;

namespace Promptly.Tests.Interviews;

public sealed class SessionListTests
{
    /// <summary>The SQLite schema version before the migration that built the transcript index (FTS5) from the stored messages.</summary>
    private const int BeforeTranscriptIndex = 10;

    private const string Engineer = "software_engineer_practice";
    private const string OatMilk = "oat_milk_v1";

    [Fact]
    public async Task List_SessionsOfSeveralKinds_NewestFirstAndFiltered()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-03-02T10:00:00Z"));
        await using var server = PromptlyFactory.OnClock(time);
        using var client = server.CreateClient();

        var first = (await client.StartAsync(OatMilk, candidate: "Ada")).Id();
        time.Advance(TimeSpan.FromMinutes(1));
        var second = (await client.StartAsync(Engineer, type: "INVITED")).Id();
        await client.TurnAsync(second, InterviewApiTests.ThoroughAnswers[0]);
        time.Advance(TimeSpan.FromMinutes(1));
        var third = (await client.StartAsync(OatMilk)).Id();
        await client.PostJsonAsync($"/sessions/{third}/end", new { });

        var all = await client.GetJsonAsync("/sessions");
        Assert.Equal([third, second, first], Ids(all));
        Assert.Null(all["next_cursor"]);
        var oldest = all["sessions"]![2]!;
        Assert.Equal(OatMilk, oldest["concept_id"]!.GetValue<string>());
        Assert.Equal("PRACTICE", oldest["interview_type"]!.GetValue<string>());
        Assert.Equal("active", oldest["status"]!.GetValue<string>());
        Assert.Equal("Ada", oldest["candidate"]!.GetValue<string>());
        Assert.Equal(DateTimeOffset.Parse("2026-03-02T10:00:00Z"), oldest["created_at"]!.GetValue<DateTimeOffset>());
        Assert.Null(oldest["ended_at"]);
        Assert.Equal(1, all["sessions"]![1]!["question_number"]!.GetValue<int>() - oldest["question_number"]!.GetValue<int>());
        Assert.NotNull(all["sessions"]![0]!["ended_at"]);
        Assert.Null(oldest["channel"]);

        // The scripted interviewer answers well within budget: the greeting and the one turn.
        var turned = all["sessions"]![1]!;
        Assert.Equal(2, turned["responses"]!.GetValue<int>());
        Assert.Equal(2, turned["within_budget"]!.GetValue<int>());
        Assert.Equal(1, turned["budget_compliance_rate"]!.GetValue<double>());
        Assert.Equal(1, oldest["responses"]!.GetValue<int>());

        Assert.Equal([third], Ids(await client.GetJsonAsync("/sessions?status=ended")));
        Assert.Equal([second, first], Ids(await client.GetJsonAsync("/sessions?status=active")));
        Assert.Equal([third, first], Ids(await client.GetJsonAsync($"/sessions?concept_id={OatMilk}")));
        Assert.Equal([second], Ids(await client.GetJsonAsync("/sessions?interview_type=invited")));
        Assert.Equal([third, second], Ids(await client.GetJsonAsync("/sessions?from=2026-03-02T10:01:00Z")));
        Assert.Equal([first], Ids(await client.GetJsonAsync("/sessions?to=2026-03-02T10:01:00Z")));
        Assert.Equal([first], Ids(await client.GetJsonAsync($"/sessions?concept_id={OatMilk}&status=active&from=2026-03-02T09:00:00Z&to=2026-03-02T11:00:00Z")));
        Assert.Empty(Ids(await client.GetJsonAsync("/sessions?status=completed")));
    }

    [Fact]
    public async Task List_Channels_SayHowTheResponsesWentOut()
    {
        await using var server = new PromptlyFactory(new() { ["Voice:Tts:Enabled"] = "false" });
        using var client = server.CreateClient();
        var typed = (await client.StartAsync(OatMilk)).Id();
        await client.TurnAsync(typed, InterviewApiTests.ThoroughAnswers[0]);
        var mixed = (await client.StartAsync(OatMilk)).Id();
        await using (var voice = await VoiceClient.ConnectAsync(server, mixed))
        {
            await voice.SendJsonAsync("""{"type":"start","sample_rate":16000}""");
            await voice.NextAsync("ready");
            await voice.SendJsonAsync("""{"type":"text","text":"I like it because it tastes fresh and creamy."}""");
            await voice.NextAsync("latency");
        }

        var sessions = (await client.GetJsonAsync("/sessions"))["sessions"]!.AsArray();
        string[] Channels(string id) => [.. sessions.Single(s => s!["id"]!.GetValue<string>() == id)!["channels"]!.AsArray().Select(c => c!.GetValue<string>())];

        Assert.Equal(["text"], Channels(typed));
        // The greeting went out as text when the session started; the answer over the socket was a voice response.
        Assert.Equal(["text", "voice"], Channels(mixed));
    }

    [Fact]
    public async Task List_SessionsStartedBetweenPages_EveryEarlierSessionOnce()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-03-02T10:00:00Z"));
        await using var server = PromptlyFactory.OnClock(time);
        using var client = server.CreateClient();

        var before = new List<string>();
        for (var i = 0; i < 7; i++)
        {
            before.Add((await client.StartAsync()).Id());
            // Pairs start in the same millisecond: the id breaks the tie.
            if (i % 2 == 1) time.Advance(TimeSpan.FromSeconds(1));
        }

        var seen = new List<string>();
        var later = new List<string>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = await client.GetJsonAsync(cursor is null ? "/sessions?limit=3" : $"/sessions?limit=3&cursor={cursor}");
            seen.AddRange(Ids(page));
            cursor = page["next_cursor"]?.GetValue<string>();
            pages++;
            later.Add((await client.StartAsync()).Id());
            time.Advance(TimeSpan.FromSeconds(1));
        }
        while (cursor is not null && pages < 10);

        Assert.Equal(3, pages);
        Assert.Equal(before.Count, seen.Count);
        Assert.Equal(before.Order(), seen.Order());
        Assert.Empty(seen.Intersect(later));
        Assert.Equal(10, Ids(await client.GetJsonAsync("/sessions")).Count);
    }

    [Fact]
    public async Task Search_WordTheCandidateSaid_FindsThatSessionAndNoOther()
    {
        await using var server = new PromptlyFactory();
        using var client = server.CreateClient();
        var zeppelin = (await client.StartAsync()).Id();
        await client.TurnAsync(zeppelin, "I like that it is creamy because my Zeppelin crew drinks it every morning.");
        var submarine = (await client.StartAsync()).Id();
        await client.TurnAsync(submarine, "I like that it is creamy because the submarine galley stocks it.");

        Assert.Equal([zeppelin], Ids(await client.GetJsonAsync("/sessions?q=zeppelin")));
        Assert.Equal([submarine], Ids(await client.GetJsonAsync("/sessions?q=SUBMARINE%20galley")));
        Assert.Equal([submarine, zeppelin], Ids(await client.GetJsonAsync("/sessions?q=creamy")));
        Assert.Empty(Ids(await client.GetJsonAsync("/sessions?q=zeppelin%20submarine")));
        Assert.Empty(Ids(await client.GetJsonAsync("/sessions?q=hovercraft")));
        Assert.Equal([zeppelin], Ids(await client.GetJsonAsync($"/sessions?q=zeppelin&status=active&concept_id={OatMilk}")));
    }

    /// <summary>Each word is searched as written, its tokens in order: "content:zeppelin" is the phrase "content zeppelin".</summary>
    [Theory]
    [InlineData("\"", null)]
    [InlineData("*", null)]
    [InlineData("\"zeppelin", true)]
    [InlineData("(zeppelin)", true)]
    [InlineData("zeppelin*", true)]
    [InlineData("^zeppelin", true)]
    [InlineData("zeppelin OR", false)]
    [InlineData("NOT zeppelin", false)]
    [InlineData("NEAR(zeppelin", false)]
    [InlineData("content:zeppelin", false)]
    [InlineData("zeppelin hovercraft \"\" )(", false)]
    [InlineData("\0", null)]
    [InlineData("\0zeppelin\tcrew\u0007", true)]
    [InlineData("zeppelin\0,0001-01-01", false)]
    public async Task Search_QuerySyntaxInTheWords_IsNeverAServerError(string q, bool? found)
    {
        await using var server = new PromptlyFactory();
        using var client = server.CreateClient();
        var zeppelin = (await client.StartAsync()).Id();
        await client.TurnAsync(zeppelin, "I like that it is creamy because my zeppelin crew drinks it.");

        using var response = await client.GetAsync($"/sessions?q={Uri.EscapeDataString(q)}");
        var body = await response.Content.ReadAsStringAsync();

        if (found is null)
        {
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode}: {body}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.Contains("'q'", body);
        }
        else
        {
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {body}");
            Assert.Equal(found.Value ? [zeppelin] : [], Ids(JsonNode.Parse(body)!.AsObject()));
        }
    }

    [Fact]
    public async Task Search_CommonWordWalked_AndRareWordLookedUp_FindTheSameSessionsAsTheTranscripts()
    {
        // More messages hold "oats" than a rare word may (2,000): it is walked newest first; "zeppelin" drives.
        const int Count = 2_400;
        var folder = PromptlyFactory.NewDataFolder();
        Directory.CreateDirectory(folder);
        bool Oats(int i) => i % 8 != 0;
        bool Zeppelin(int i) => i % 300 == 5 || i == Count - 2;
        await using (var connection = new SqliteConnection($"Data Source={Path.Combine(folder, "promptly.db")};Pooling=False"))
        {
            connection.Open();
            SqliteSchema.Migrate(connection, BeforeTranscriptIndex);
            using var transaction = connection.BeginTransaction();
            using var insert = connection.CreateCommand();
            insert.CommandText =
                """
                INSERT INTO sessions (id, concept_id, interview_type, status, question_number, created_at) VALUES ($id, 'oat_milk_v1', 'PRACTICE', $status, 1, $at);
                INSERT INTO messages (session_id, seq, role, content, question_number, created_at) VALUES ($id, 1, 'candidate', $text, 1, $at);
                """;
            for (var i = 0; i < Count; i++)
            {
                insert.Parameters.Clear();
                insert.Parameters.AddWithValue("$id", $"s{i:D5}");
                insert.Parameters.AddWithValue("$status", i % 3 == 0 ? "completed" : "active");
                insert.Parameters.AddWithValue("$at", 1772445600000L + i * 1000L);
                insert.Parameters.AddWithValue("$text", $"I pour it on {(Oats(i) ? "oats" : "rice")} every day{(Zeppelin(i) ? " on my zeppelin" : "")}.");
                insert.ExecuteNonQuery();
            }

            transaction.Commit();
        }

        await using var server = new PromptlyFactory(dataFolder: folder);
        using var client = server.CreateClient();
        List<string> Expected(Func<int, bool> match, int limit = 50) =>
            [.. Enumerable.Range(0, Count).Reverse().Where(match).Take(limit).Select(i => $"s{i:D5}")];

        Assert.Equal(Expected(Oats), Ids(await client.GetJsonAsync("/sessions?q=oats")));
        Assert.Equal(Expected(i => Oats(i) && i % 3 == 0), Ids(await client.GetJsonAsync("/sessions?q=oats&status=completed")));
        Assert.Equal(Expected(Zeppelin), Ids(await client.GetJsonAsync("/sessions?q=zeppelin")));
        Assert.Equal(Expected(i => Zeppelin(i) && Oats(i)), Ids(await client.GetJsonAsync("/sessions?q=oats%20zeppelin")));
        Assert.Equal(Expected(i => Zeppelin(i) && !Oats(i)), Ids(await client.GetJsonAsync("/sessions?q=rice%20zeppelin")));

        // Paging a walked search: every match once, in order.
        var seen = new List<string>();
        string? cursor = null;
        do
        {
            var page = await client.GetJsonAsync($"/sessions?q=oats&limit=200{(cursor is null ? "" : $"&cursor={cursor}")}");
            seen.AddRange(Ids(page));
            cursor = page["next_cursor"]?.GetValue<string>();
        }
        while (cursor is not null);
        Assert.Equal(Expected(Oats, Count), seen);
    }

    [Fact]
    public async Task Search_TranscriptStoredBeforeTheIndex_IsFoundAfterTheMigration()
    {
        var folder = PromptlyFactory.NewDataFolder();
        Directory.CreateDirectory(folder);
        await using (var connection = new SqliteConnection($"Data Source={Path.Combine(folder, "promptly.db")};Pooling=False"))
        {
            connection.Open();
            SqliteSchema.Migrate(connection, BeforeTranscriptIndex);
            using var insert = connection.CreateCommand();
            insert.CommandText =
                """
                INSERT INTO sessions (id, concept_id, interview_type, status, question_number, created_at) VALUES
                    ('old-zeppelin', 'oat_milk_v1', 'PRACTICE', 'active', 1, 1772445600000),
                    ('old-submarine', 'oat_milk_v1', 'PRACTICE', 'active', 1, 1772445660000);
                INSERT INTO messages (session_id, seq, role, content, question_number, created_at) VALUES
                    ('old-zeppelin', 0, 'interviewer', 'Hello!', 0, 1772445600000),
                    ('old-zeppelin', 1, 'candidate', 'My zeppelin crew drinks it.', 1, 1772445600000),
                    ('old-submarine', 0, 'interviewer', 'Hello!', 0, 1772445660000),
                    ('old-submarine', 1, 'candidate', 'The submarine galley stocks it.', 1, 1772445660000);
                """;
            insert.ExecuteNonQuery();
        }

        await using var server = new PromptlyFactory(dataFolder: folder);
        using var client = server.CreateClient();
        var started = (await client.StartAsync()).Id();
        await client.TurnAsync(started, "I like that it is creamy because my zeppelin crew drinks it too.");

        Assert.Equal([started, "old-zeppelin"], Ids(await client.GetJsonAsync("/sessions?q=zeppelin")));
        Assert.Equal(["old-submarine"], Ids(await client.GetJsonAsync("/sessions?q=galley")));
        await client.DeleteJsonAsync("/sessions/old-zeppelin");
        Assert.Equal([started], Ids(await client.GetJsonAsync("/sessions?q=zeppelin")));
    }

    [Fact]
    public async Task Search_ErasedSession_IsNotFoundButStillListed()
    {
        await using var server = new PromptlyFactory();
        using var client = server.CreateClient();
        var erased = (await client.StartAsync()).Id();
        await client.TurnAsync(erased, "I like that it is creamy because my zeppelin crew drinks it.");
        var kept = (await client.StartAsync()).Id();
        await client.TurnAsync(kept, "I like that it is creamy because my zeppelin crew drinks it too.");

        await client.DeleteJsonAsync($"/sessions/{erased}");

        Assert.Equal([kept], Ids(await client.GetJsonAsync("/sessions?q=zeppelin")));
        Assert.Equal([kept], Ids(await client.GetJsonAsync("/sessions?q=creamy")));
        var listed = await client.GetJsonAsync("/sessions?status=erased");
        Assert.Equal([erased], Ids(listed));
        Assert.Null(listed["sessions"]![0]!["candidate"]);
    }

    [Theory]
    [InlineData("limit=0", "'limit'")]
    [InlineData("limit=201", "'limit'")]
    [InlineData("limit=ten", "'limit'")]
    [InlineData("cursor=%21%21%21", "'cursor'")]
    [InlineData("cursor=bm9uc2Vuc2U", "'cursor'")]
    [InlineData("status=open", "'status'")]
    [InlineData("interview_type=casual", "'interview_type'")]
    [InlineData("from=yesterday", "'from'")]
    [InlineData("to=2026-13-01", "'to'")]
    [InlineData("from=2026-03-02T00:00:00Z&to=2026-03-01T00:00:00Z", "'from'")]
    [InlineData("q=%22%20%2A%20%28", "'q'")]
    [InlineData("page=2", "'page'")]
    public async Task List_BadParameter_IsProblemNamingIt(string query, string named)
    {
        await using var server = new PromptlyFactory();
        using var client = server.CreateClient();

        var problem = await client.GetJsonAsync($"/sessions?{query}", HttpStatusCode.BadRequest);

        Assert.Contains(named, problem["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task List_CursorOfAnotherPage_IsAccepted()
    {
        var cursor = Convert.ToBase64String(Encoding.UTF8.GetBytes("1772445600000:zzz")).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        await using var server = new PromptlyFactory();
        using var client = server.CreateClient();
        await client.StartAsync();

        Assert.Empty(Ids(await client.GetJsonAsync($"/sessions?cursor={cursor}")));
    }

    [Fact]
    public async Task List_WithoutKey_IsUnauthorized()
    {
        await using var server = new PromptlyFactory();
        using var client = server.CreateClient();
        client.DefaultRequestHeaders.Authorization = null;

        using var response = await client.GetAsync("/sessions");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task List_CandidateToken_IsForbidden()
    {
        await using var server = new PromptlyFactory();
        using var client = server.CreateClient();
        var token = (await client.StartAsync())["token"]!.GetValue<string>();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);

        using var response = await client.GetAsync("/sessions");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    private static List<string> Ids(JsonObject page) => [.. page["sessions"]!.AsArray().Select(s => s!["id"]!.GetValue<string>())];
}
