using Promptly.Errors;
using Promptly.Interviews;
using Promptly.Invitations;
using Promptly.Storage;
using Promptly.Tests.Support;
using static Promptly.Tests.Storage.Contract.StoreRows;

namespace Promptly.Tests.Storage.Contract;

/// <summary>
/// What every store promises about sessions, transcripts, invitations and recordings, run against each store: the
/// same calls give the same results on SQLite and on PostgreSQL.
/// </summary>
public sealed class InterviewStoreContractTests
{
    [Theory, OnSqlite, OnPostgres]
    public async Task CreateAndAppend_LoadSession_ReadsTheTranscriptInOrder(string kind)
    {
        await using var store = await StoreUnderTest.OpenAsync(kind);
        await CreateAsync(store.Interviews, Session("s1") with { Access = new Promptly.Access.SessionAccess([1, 2, 3], Start.AddHours(2)) });
        await store.Interviews.AppendTurnAsync(Turn("s1", 1, "I drink espresso"), CancellationToken.None);
        await store.Interviews.AppendTurnAsync(Turn("s1", 2, "It wakes me up", "Thank you.", SessionStatus.Completed, at: Start.AddMinutes(3)), CancellationToken.None);

        var stored = await store.Interviews.LoadSessionAsync("s1", CancellationToken.None);

        Assert.NotNull(stored);
        Assert.Equal(SessionStatus.Completed, stored.Session.Status);
        Assert.Equal(3, stored.Session.QuestionNumber);
        Assert.Equal(Start.AddMinutes(3), stored.Session.EndedAt);
        Assert.Equal([1, 2, 3], stored.Session.Access!.TokenHash);
        Assert.Equal(Start.AddHours(2), stored.Session.Access.ExpiresAt);
        Assert.Equal([0, 1, 2, 3, 4], stored.Messages.Select(m => m.Seq));
        Assert.Equal("It wakes me up", stored.Messages[3].Content);
        Assert.Equal(Message(0, "Hello, tell me about your coffee."), stored.Messages[0]);
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task AppendTurn_SessionMovedOn_ConflictsAndWritesNothing(string kind)
    {
        await using var store = await StoreUnderTest.OpenAsync(kind);
        await CreateAsync(store.Interviews, Session("s1"));
        await store.Interviews.AppendTurnAsync(Turn("s1", 1, "first"), CancellationToken.None);

        await Assert.ThrowsAsync<StorageConflictException>(() => store.Interviews.AppendTurnAsync(Turn("s1", 1, "stale"), CancellationToken.None));

        var stored = await store.Interviews.LoadSessionAsync("s1", CancellationToken.None);
        Assert.Equal(3, stored!.Messages.Count);
        Assert.DoesNotContain(stored.Messages, m => m.Content == "stale");
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task AppendTurn_ManyRacingOnOneSessionFromTwoInstances_ExactlyOneWinsEachQuestion(string kind)
    {
        await using var store = await StoreUnderTest.OpenAsync(kind);
        var other = store.OpenAnother<IInterviewStore>();
        await CreateAsync(store.Interviews, Session("s1"));

        // Both instances loaded the session at question 1 and race their turns; every other write must conflict.
        var racing = Enumerable.Range(0, 8).Select(i => (i % 2 == 0 ? store.Interviews : other).AppendTurnAsync(Turn("s1", 1, $"answer {i}"), CancellationToken.None)).ToArray();
        var outcomes = await Task.WhenAll(racing.Select(async t =>
        {
            try
            {
                await t;
                return "ok";
            }
            catch (StorageConflictException)
            {
                return "conflict";
            }
        }));

        Assert.Equal(1, outcomes.Count(o => o == "ok"));
        var stored = await other.LoadSessionAsync("s1", CancellationToken.None);
        Assert.Equal(2, stored!.Session.QuestionNumber);
        Assert.Equal([0, 1, 2], stored.Messages.Select(m => m.Seq));
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task AppendTurn_CancelledBeforeTheStoreStartsIt_IsDroppedUnwritten(string kind)
    {
        await using var store = await StoreUnderTest.OpenAsync(kind);
        await CreateAsync(store.Interviews, Session("s1"));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => store.Interviews.AppendTurnAsync(Turn("s1", 1, "gone"), new CancellationToken(canceled: true)));

        var stored = await store.Interviews.LoadSessionAsync("s1", CancellationToken.None);
        Assert.Equal(1, stored!.Session.QuestionNumber);
        Assert.Single(stored.Messages);
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task AppendTurn_WithLatency_StoresTheRecordAndItsSevereEntryWithTheTurn(string kind)
    {
        await using var store = await StoreUnderTest.OpenAsync(kind);
        await CreateAsync(store.Interviews, Session("s1"), latency: Entry(Record("s1", 0, 120)));
        await store.Interviews.AppendTurnAsync(Turn("s1", 1, "answer", latency: Entry(Record("s1", 1, 4000, Start.AddSeconds(5)))), CancellationToken.None);

        var records = await store.Latency.SessionLatencyAsync("s1", CancellationToken.None);
        var errors = await store.Errors.ErrorsAsync(null, Start, Start.AddHours(1), 10, CancellationToken.None);

        Assert.Equal([0, 1], records.Select(r => r.QuestionNumber));
        var expected = Record("s1", 1, 4000, Start.AddSeconds(5));
        Assert.Equal(expected with { Id = records[1].Id }, records[1] with { Phases = expected.Phases });
        Assert.Equal(expected.Phases, records[1].Phases);
        var error = Assert.Single(errors);
        Assert.Equal((ErrorLogEntry.LatencyViolationType, 1, 4000.0), (error.Type, error.QuestionNumber, error.ResponseTimeMs));
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task EndSession_OpenThenEnded_TrueOnlyTheFirstTime(string kind)
    {
        await using var store = await StoreUnderTest.OpenAsync(kind);
        await CreateAsync(store.Interviews, Session("s1"));

        Assert.True(await store.Interviews.EndSessionAsync("s1", Start.AddMinutes(1), CancellationToken.None));
        Assert.False(await store.Interviews.EndSessionAsync("s1", Start.AddMinutes(2), CancellationToken.None));
        Assert.False(await store.Interviews.EndSessionAsync("nobody", Start, CancellationToken.None));
        var stored = await store.Interviews.LoadSessionAsync("s1", CancellationToken.None);
        Assert.Equal((SessionStatus.Ended, Start.AddMinutes(1)), (stored!.Session.Status, stored.Session.EndedAt));
        await Assert.ThrowsAsync<StorageConflictException>(() => store.Interviews.AppendTurnAsync(Turn("s1", 1, "late"), CancellationToken.None));
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task EraseSession_RemovesTranscriptNameAudioAndSearch_KeepsAnonymousLatency(string kind)
    {
        await using var store = await StoreUnderTest.OpenAsync(kind);
        await CreateAsync(store.Interviews, Session("s1", invitation: null), latency: Entry(Record("s1", 0, 100)));
        await store.Interviews.AppendTurnAsync(Turn("s1", 1, "marzipan"), CancellationToken.None);
        await store.Recordings.SaveRecordingAsync(new TurnRecording("s1", 1, 16000, [1, 2], Start), CancellationToken.None);

        Assert.True(await store.Interviews.EraseSessionAsync("s1", Start.AddDays(1), CancellationToken.None));

        Assert.False(await store.Interviews.EraseSessionAsync("s1", Start.AddDays(1), CancellationToken.None));
        Assert.Null(await store.Interviews.LoadSessionAsync("s1", CancellationToken.None));
        Assert.Null(await store.Recordings.RecordingAsync("s1", 1, CancellationToken.None));
        Assert.Empty(await store.Sessions.ListSessionsAsync(Query(words: ["marzipan"]), CancellationToken.None));
        var record = Assert.Single(await store.Latency.SessionLatencyAsync("s1", CancellationToken.None));
        Assert.Null(record.Candidate);
        var listed = Assert.Single(await store.Sessions.ListSessionsAsync(Query(), CancellationToken.None));
        Assert.Equal((SessionStatus.Erased, (string?)null, Start.AddDays(1)), (listed.Status, listed.Candidate, listed.EndedAt));
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task EraseSessionsBefore_ErasesOnlyThoseLastActiveBeforeTheCutoff(string kind)
    {
        await using var store = await StoreUnderTest.OpenAsync(kind);
        await CreateAsync(store.Interviews, Session("old", Start));
        await CreateAsync(store.Interviews, Session("busy", Start));
        await store.Interviews.AppendTurnAsync(Turn("busy", 1, "still here", at: Start.AddDays(10)), CancellationToken.None);
        await CreateAsync(store.Interviews, Session("new", Start.AddDays(10)));

        var erased = await store.Interviews.EraseSessionsBeforeAsync(Start.AddDays(5), 10, CancellationToken.None);

        Assert.Equal(["old"], erased);
        Assert.NotNull(await store.Interviews.LoadSessionAsync("busy", CancellationToken.None));
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task DeleteRecordingsBefore_DeletesOldOnesUpToTheLimit(string kind)
    {
        await using var store = await StoreUnderTest.OpenAsync(kind);
        await CreateAsync(store.Interviews, Session("s1"));
        for (var q = 1; q <= 3; q++) await store.Recordings.SaveRecordingAsync(new TurnRecording("s1", q, 16000, [(byte)q], Start.AddHours(q)), CancellationToken.None);
        // A second save of a turn replaces the first.
        await store.Recordings.SaveRecordingAsync(new TurnRecording("s1", 3, 8000, [9, 9], Start.AddHours(3)), CancellationToken.None);

        Assert.Equal(1, await store.Interviews.DeleteRecordingsBeforeAsync(Start.AddHours(2.5), 1, CancellationToken.None));
        Assert.Equal(1, await store.Interviews.DeleteRecordingsBeforeAsync(Start.AddHours(2.5), 1, CancellationToken.None));
        Assert.Equal(0, await store.Interviews.DeleteRecordingsBeforeAsync(Start.AddHours(2.5), 1, CancellationToken.None));
        var kept = await store.Recordings.RecordingAsync("s1", 3, CancellationToken.None);
        Assert.Equal((8000, Start.AddHours(3)), (kept!.SampleRate, kept.At));
        Assert.Equal([9, 9], kept.Pcm);
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task CreateSession_InvitationClaimedTwiceByTwoInstances_OnlyOneSessionStarts(string kind)
    {
        await using var store = await StoreUnderTest.OpenAsync(kind);
        var other = store.OpenAnother<IInterviewStore>();
        await store.Invitations.CreateInvitationAsync(new Invitation("tok", "coffee", "Ada", Start, null, null, Start.AddDays(7)), CancellationToken.None);

        var first = CreateAsync(store.Interviews, Session("a", invitation: "tok"));
        var second = CreateAsync(other, Session("b", invitation: "tok"));
        var results = await Task.WhenAll(new[] { first, second }.Select(async t =>
        {
            try
            {
                await t;
                return true;
            }
            catch (StorageConflictException)
            {
                return false;
            }
        }));

        Assert.Equal(1, results.Count(won => won));
        var invitation = await store.Invitations.FindInvitationAsync("tok", CancellationToken.None);
        Assert.Equal(results[0] ? "a" : "b", invitation!.SessionId);
        Assert.Equal(Start, invitation.StartedAt);
        Assert.Null(await store.Interviews.LoadSessionAsync(results[0] ? "b" : "a", CancellationToken.None));
        await Assert.ThrowsAsync<StorageNotFoundException>(() => CreateAsync(store.Interviews, Session("c", invitation: "missing")));
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task Invitations_ListRevokeFind_BehaveAlike(string kind)
    {
        await using var store = await StoreUnderTest.OpenAsync(kind);
        for (var i = 0; i < 3; i++) await store.Invitations.CreateInvitationAsync(new Invitation($"t{i}", "coffee", null, Start.AddMinutes(i), null, null), CancellationToken.None);

        Assert.True(await store.Invitations.RevokeInvitationAsync("t1", Start.AddHours(1), CancellationToken.None));
        Assert.False(await store.Invitations.RevokeInvitationAsync("nope", Start, CancellationToken.None));
        await Assert.ThrowsAsync<StorageConflictException>(() => CreateAsync(store.Interviews, Session("s", invitation: "t1")));

        Assert.Equal(["t2", "t1", "t0"], (await store.Invitations.ListInvitationsAsync(null, 10, CancellationToken.None)).Select(i => i.Token));
        Assert.Equal(["t0"], (await store.Invitations.ListInvitationsAsync(Start.AddMinutes(1), 10, CancellationToken.None)).Select(i => i.Token));
        Assert.Equal(new Invitation("t1", "coffee", null, Start.AddMinutes(1), null, null, null, Start.AddHours(1)),
            await store.Invitations.FindInvitationAsync("t1", CancellationToken.None));
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task ListSessions_Filters_EachNarrowsTheList(string kind)
    {
        await using var store = await StoreUnderTest.OpenAsync(kind);
        await CreateAsync(store.Interviews, Session("a", Start, concept: "coffee", type: "PRACTICE"), latency: Entry(Record("a", 0, 100)));
        await CreateAsync(store.Interviews, Session("b", Start.AddMinutes(1), concept: "tea", type: "INVITED"), latency: Entry(Record("b", 0, 2000, channel: "voice")));
        await CreateAsync(store.Interviews, Session("c", Start.AddMinutes(2), concept: "coffee", type: "INVITED"));
        await store.Interviews.EndSessionAsync("c", Start.AddMinutes(3), CancellationToken.None);

        async Task<string[]> Ids(SessionQuery query) => [.. (await store.Sessions.ListSessionsAsync(query, CancellationToken.None)).Select(s => s.Id)];

        Assert.Equal(["c", "b", "a"], await Ids(Query()));
        Assert.Equal(["c"], await Ids(Query() with { Status = SessionStatus.Ended }));
        Assert.Equal(["c", "a"], await Ids(Query() with { ConceptId = "coffee" }));
        Assert.Equal(["c", "b"], await Ids(Query() with { InterviewType = "INVITED" }));
        Assert.Equal(["b"], await Ids(Query() with { From = Start.AddMinutes(1), To = Start.AddMinutes(2) }));
        var b = (await store.Sessions.ListSessionsAsync(Query() with { ConceptId = "tea" }, CancellationToken.None)).Single();
        IReadOnlyList<string> voice = ["voice"];
        Assert.Equal(new SessionSummary("b", "tea", "INVITED", SessionStatus.Active, "Ada", Start.AddMinutes(1), null, 1, 1, 0, voice), b with { Channels = voice });
        Assert.Equal(voice, b.Channels);
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task ListSessions_Words_EveryWordSomewhereInTheTranscriptCaseInsensitive(string kind)
    {
        await using var store = await StoreUnderTest.OpenAsync(kind);
        await CreateAsync(store.Interviews, Session("a", Start), greeting: "Tell me about your Espresso.");
        await store.Interviews.AppendTurnAsync(Turn("a", 1, "I grind the beans by hand"), CancellationToken.None);
        await CreateAsync(store.Interviews, Session("b", Start.AddMinutes(1)), greeting: "Tell me about your tea.");
        await store.Interviews.AppendTurnAsync(Turn("b", 1, "Green tea, no beans"), CancellationToken.None);

        async Task<string[]> Ids(params string[] words) => [.. (await store.Sessions.ListSessionsAsync(Query(words: words), CancellationToken.None)).Select(s => s.Id)];

        Assert.Equal(["a"], await Ids("espresso"));
        Assert.Equal(["b", "a"], await Ids("BEANS"));
        Assert.Equal(["a"], await Ids("espresso", "grind"));
        Assert.Empty(await Ids("espresso", "green"));
        Assert.Equal(["b"], await Ids("green", "tea"));
        Assert.Empty(await Ids("bean"));
        Assert.Empty(await Ids("\"quoted\" OR *"));
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task ListSessions_PagesAfterCursor_NeverRepeatOrSkipWhileSessionsAreAdded(string kind)
    {
        await using var store = await StoreUnderTest.OpenAsync(kind);
        // Two sessions share each start, so the id breaks the tie.
        for (var i = 0; i < 10; i++) await CreateAsync(store.Interviews, Session($"s{i}", Start.AddMinutes(i / 2)));

        var seen = new List<string>();
        SessionPosition? after = null;
        for (var page = 0; page < 10; page++)
        {
            var rows = await store.Sessions.ListSessionsAsync(Query(limit: 3) with { After = after }, CancellationToken.None);
            if (rows.Count == 0) break;
            seen.AddRange(rows.Select(r => r.Id));
            after = new SessionPosition(rows[^1].CreatedAt, rows[^1].Id);
            // Newer sessions started meanwhile come before the cursor and never shift the pages after it.
            await CreateAsync(store.Interviews, Session($"new{page}", Start.AddHours(1)));
        }

        Assert.Equal(["s9", "s8", "s7", "s6", "s5", "s4", "s3", "s2", "s1", "s0"], seen);
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task SessionOutcomes_SinceAStart_ReadWhereEachSessionGot(string kind)
    {
        await using var store = await StoreUnderTest.OpenAsync(kind);
        await CreateAsync(store.Interviews, Session("before", Start.AddHours(-1)));
        await CreateAsync(store.Interviews, Session("open", Start));
        await store.Interviews.AppendTurnAsync(Turn("open", 1, "answer", at: Start.AddMinutes(4)), CancellationToken.None);
        await CreateAsync(store.Interviews, Session("done", Start.AddMinutes(1)));
        await store.Interviews.AppendTurnAsync(
            Turn("done", 1, "answer", "Thanks", SessionStatus.Completed, at: Start.AddMinutes(9)) with { Measures = new InterviewMeasures(0.75, 0.25) }, CancellationToken.None);

        var outcomes = new List<SessionOutcome>();
        await foreach (var outcome in store.Stats.SessionOutcomesAsync(Start, CancellationToken.None)) outcomes.Add(outcome);

        Assert.Equal(
            [
                new SessionOutcome("coffee", "PRACTICE", SessionStatus.Active, Start, null, Start.AddMinutes(4), 2, null, null),
                new SessionOutcome("coffee", "PRACTICE", SessionStatus.Completed, Start.AddMinutes(1), Start.AddMinutes(9), null, 2, 0.75, 0.25),
            ],
            outcomes.OrderBy(o => o.CreatedAt));
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task Ping_AnsweringDatabase_Succeeds(string kind)
    {
        await using var store = await StoreUnderTest.OpenAsync(kind);

        await store.Health.PingAsync(CancellationToken.None);
    }

    private static SessionQuery Query(IReadOnlyList<string>? words = null, int limit = 50) => new(null, null, null, null, null, words ?? [], null, limit);
}
