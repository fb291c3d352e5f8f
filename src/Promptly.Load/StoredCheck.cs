using System.Net;
using System.Text.Json;

namespace Promptly.Load;

/// <summary>What <see cref="StoredCheck"/> found.</summary>
/// <param name="Sessions">Sessions with an acknowledged start or turn.</param>
/// <param name="AcknowledgedTurns">Turns the server answered 200 (greetings not counted).</param>
/// <param name="StoredTurns">Turns the server holds for those sessions: at least the acknowledged ones, and any it stored after the client stopped waiting.</param>
/// <param name="Problems">One line per session stored wrongly or missing acknowledged turns; at most <see cref="StoredCheck.MaxProblems"/>.</param>
/// <param name="ProblemSessions">How many sessions have a problem (the list may be cut short).</param>
/// <param name="Unreadable">Sessions the server did not answer for (after retries): neither found lost nor confirmed.</param>
internal sealed record StoredCheckResult(int Sessions, long AcknowledgedTurns, long StoredTurns, IReadOnlyList<string> Problems, int ProblemSessions, int Unreadable)
{
    /// <summary>Every acknowledged turn was read back, stored once and in order.</summary>
    public bool AllStored => ProblemSessions == 0 && Unreadable == 0;
}

/// <summary>
/// Reads back, through the server (<c>GET /sessions/{id}</c>), every session the load was told was stored, and checks
/// that nothing acknowledged is missing and that each transcript is whole: the greeting, then for each question
/// 1..N one candidate line and one interviewer line numbered with it, in <c>seq</c> order without gaps.
/// </summary>
/// <remarks>
/// Through the server rather than the database, so it works against any deployment, and reads what a client would:
/// a server answering from a stale copy would show up as a missing turn. Reads that fail for transport reasons or with
/// 502/503 (an instance just died behind a balancer) are tried again a few times before counting as unreadable.
/// </remarks>
internal static class StoredCheck
{
    public const int MaxProblems = 20;
    private const int Concurrency = 16;
    private const int Attempts = 4;
    private static readonly TimeSpan RetryAfter = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(30);

    /// <param name="progress">Called with (sessions read, sessions in all) about once a second while it reads.</param>
    public static async Task<StoredCheckResult> RunAsync(
        HttpClient http, Uri server, AcknowledgedTurns acknowledged, Action<int, int>? progress, CancellationToken cancellationToken)
    {
        var sessions = acknowledged.All.ToArray();
        var wentBack = acknowledged.WentBack;
        var problems = wentBack.Values.Take(MaxProblems).ToList();
        var problemSessions = wentBack.Count;
        var unreadable = 0;
        var read = 0;
        long stored = 0;
        var next = -1;
        using var stopProgress = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var ticker = progress is null ? Task.CompletedTask : TickAsync(() => progress(Volatile.Read(ref read), sessions.Length), stopProgress.Token);
        await Task.WhenAll(Enumerable.Range(0, Math.Min(Concurrency, sessions.Length)).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < sessions.Length)
            {
                var (id, question) = sessions[i];
                var transcript = await ReadAsync(http, new InterviewSession(id, server).StateUri, cancellationToken);
                Interlocked.Increment(ref read);
                if (transcript is null)
                {
                    Interlocked.Increment(ref unreadable);
                    continue;
                }

                Interlocked.Add(ref stored, Math.Max(0, transcript.Value.QuestionNumber));
                if (wentBack.ContainsKey(id) || Problem(id, question, transcript.Value) is not { } problem) continue;
                lock (problems)
                {
                    problemSessions++;
                    if (problems.Count < MaxProblems) problems.Add(problem);
                }
            }
        }, cancellationToken)));
        await stopProgress.CancelAsync();
        await ticker;
        return new StoredCheckResult(sessions.Length, acknowledged.Turns, stored, problems, problemSessions, unreadable);
    }

    /// <summary>What is wrong with a session acknowledged up to <paramref name="acknowledged"/> and stored as <paramref name="stored"/>, or null.</summary>
    internal static string? Problem(string id, int acknowledged, StoredTranscript stored)
    {
        if (stored.QuestionNumber < 0) return $"{id}: not found (acknowledged up to question {acknowledged})";
        if (stored.QuestionNumber < acknowledged) return $"{id}: acknowledged up to question {acknowledged}, stored up to {stored.QuestionNumber}";
        var lines = stored.Lines;
        if (lines.Count != 2 * stored.QuestionNumber + 1)
        {
            return $"{id}: {lines.Count} transcript lines for question {stored.QuestionNumber} (expected {2 * stored.QuestionNumber + 1}): {Describe(lines)}";
        }

        for (var i = 0; i < lines.Count; i++)
        {
            var (role, question) = i == 0 ? ("interviewer", 0) : (i % 2 == 1 ? "candidate" : "interviewer", (i + 1) / 2);
            if (lines[i].Seq != i || lines[i].Role != role || lines[i].QuestionNumber != question)
            {
                return $"{id}: line {i} is {lines[i].Seq}:{lines[i].Role}:Q{lines[i].QuestionNumber}, expected {i}:{role}:Q{question}: {Describe(lines)}";
            }
        }

        return null;
    }

    private static string Describe(IReadOnlyList<TranscriptEntry> lines) =>
        string.Join(", ", lines.Take(12).Select(l => $"{l.Seq}:{l.Role}:Q{l.QuestionNumber}")) + (lines.Count > 12 ? ", …" : "");

    private static async Task TickAsync(Action tick, CancellationToken stop)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        try
        {
            while (await timer.WaitForNextTickAsync(stop)) tick();
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>The stored session (question number -1 when the server has none), or null when it could not be read.</summary>
    private static async Task<StoredTranscript?> ReadAsync(HttpClient http, Uri uri, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(ReadTimeout);
            try
            {
                using var response = await http.GetAsync(uri, timeout.Token);
                if (response.StatusCode == HttpStatusCode.NotFound) return new StoredTranscript(-1, []);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    await using var body = await response.Content.ReadAsStreamAsync(timeout.Token);
                    using var json = await JsonDocument.ParseAsync(body, cancellationToken: timeout.Token);
                    return StoredTranscript.From(json.RootElement);
                }

                if (response.StatusCode is not (HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout)) return null;
            }
            catch (Exception e) when (RequestErrors.KindOf(e, cancellationToken) is not null)
            {
            }

            if (attempt == Attempts) return null;
            await Task.Delay(RetryAfter * attempt, cancellationToken);
        }
    }
}

/// <summary>One line of a stored transcript, as <c>GET /sessions/{id}</c> lists it.</summary>
internal readonly record struct TranscriptEntry(int Seq, string Role, int QuestionNumber);

/// <summary>A session as <c>GET /sessions/{id}</c> shows it: its question number and transcript.</summary>
internal readonly record struct StoredTranscript(int QuestionNumber, IReadOnlyList<TranscriptEntry> Lines)
{
    /// <exception cref="InvalidDataException">The answer is not a session's state.</exception>
    public static StoredTranscript From(JsonElement session)
    {
        try
        {
            var lines = session.GetProperty("transcript").EnumerateArray()
                .Select(l => new TranscriptEntry(l.GetProperty("seq").GetInt32(), l.GetProperty("role").GetString() ?? "", l.GetProperty("question_number").GetInt32()))
                .ToList();
            return new StoredTranscript(session.GetProperty("question_number").GetInt32(), lines);
        }
        catch (Exception e) when (e is KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new InvalidDataException("GET /sessions/{id} did not answer with a session's state.", e);
        }
    }
}
