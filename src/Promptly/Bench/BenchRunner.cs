using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Promptly.Budget;
using Promptly.Cli;
using Promptly.Interviews;

namespace Promptly.Bench;

/// <summary>
/// Sends the turns of <c>promptly bench</c> one after another over one connection: starts an interview, answers its
/// questions, and starts another whenever one ends, until the number of turns asked for has been measured.
/// </summary>
/// <remarks>
/// A turn is timed from just before its request is sent until the last byte of the answer has been read; reading
/// the answer's JSON comes after. Starting a session is not timed: it is not a turn.
/// </remarks>
internal sealed class BenchRunner(HttpClient http, TimeProvider time) : IDisposable
{
    // Short answers that name no reason: the interviewer probes each question once, so an interview of the default
    // guide lasts its full 20 turns and most requests are turns, not session starts.
    private static readonly string[] Answers =
    [
        "Backend services, mostly.", "The billing system.", "A memory leak.", "Message queues.", "Integration tests.",
        "Pairing helps.", "We shipped less.", "A long meeting.", "Go, last year.", "The people.",
    ];

    /// <param name="handler">Sends the requests (tests pass an in-memory server's); a new socket handler when null.</param>
    public static BenchRunner Create(BenchArguments arguments, HttpMessageHandler? handler, TimeProvider time) =>
        new(new HttpClient(handler ?? new SocketsHttpHandler(), disposeHandler: handler is null)
        {
            BaseAddress = arguments.Server,
            Timeout = arguments.Timeout,
        }, time);

    /// <exception cref="CliException">With <see cref="BenchExitCodes.Unavailable"/>: unreachable, too slow, an error answer or not Promptly's answer.</exception>
    public async Task<BenchResult> RunAsync(BenchArguments arguments, CancellationToken cancellationToken)
    {
        var timings = new List<TurnTiming>(arguments.Turns);
        var sessions = new List<string>();
        string? session = null;

        // Bounded: every pass measures one turn or throws.
        while (timings.Count < arguments.Turns)
        {
            if (session is null)
            {
                session = await StartAsync(arguments.Concept, cancellationToken);
                sessions.Add(session);
            }

            var answer = new TurnRequest(Answers[timings.Count % Answers.Length]);
            var (turn, clientMs) = await PostAsync($"sessions/{Uri.EscapeDataString(session)}/turns", answer, InterviewsJson.Default.TurnRequest,
                InterviewsJson.Default.TurnResponse, cancellationToken);
            if (turn.Latency is null) throw NotPromptly("POST /sessions/{id}/turns", "it has no latency");
            timings.Add(new TurnTiming(clientMs, turn.Latency.ResponseTimeMs));
            if (turn.Done) session = null;
        }

        return BenchResult.From(arguments, timings, sessions);
    }

    private async Task<string> StartAsync(string concept, CancellationToken cancellationToken)
    {
        var request = new StartSessionRequest(concept, InterviewTypes.Practice, "promptly bench");
        var (started, _) = await PostAsync("sessions", request, InterviewsJson.Default.StartSessionRequest, InterviewsJson.Default.SessionStartedResponse, cancellationToken);
        if (string.IsNullOrEmpty(started.Id)) throw NotPromptly("POST /sessions", "it has no session id");

        // Another session would end the same way: the run would never measure a turn.
        if (started.Done) throw Unavailable($"The interview on '{concept}' ended at its greeting; there are no turns to measure.");
        return started.Id;
    }

    private async Task<(TResponse Answer, double ClientMs)> PostAsync<TRequest, TResponse>(
        string path, TRequest body, JsonTypeInfo<TRequest> requestType, JsonTypeInfo<TResponse> responseType, CancellationToken cancellationToken)
        where TResponse : class
    {
        using var content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(body, requestType));
        content.Headers.ContentType = new("application/json");
        var what = path == "sessions" ? "POST /sessions" : "POST /sessions/{id}/turns";
        byte[] answer;
        double clientMs;
        HttpStatusCode status;
        string? reason;
        try
        {
            var sent = time.GetTimestamp();
            using var response = await http.PostAsync(path, content, cancellationToken);
            answer = await response.Content.ReadAsByteArrayAsync(cancellationToken);
            clientMs = time.GetElapsedTime(sent).TotalMilliseconds;
            (status, reason) = (response.StatusCode, response.ReasonPhrase);
        }
        catch (HttpRequestException e)
        {
            throw Unavailable($"The server at {http.BaseAddress} could not be reached: {e.Message}", e);
        }
        catch (TaskCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw Unavailable($"The server at {http.BaseAddress} did not answer {what} within {http.Timeout.TotalSeconds:0.###} s.", e);
        }

        if ((int)status is < 200 or > 299)
        {
            var detail = ProblemAnswer.DetailOf(answer) ?? reason;
            throw Unavailable($"The server answered {(int)status} to {what}: {detail}");
        }

        try
        {
            return (JsonSerializer.Deserialize(answer, responseType) ?? throw new JsonException("null"), clientMs);
        }
        catch (JsonException e)
        {
            throw NotPromptly(what, e.Message, e);
        }
    }

    private CliException NotPromptly(string what, string why, Exception? inner = null) =>
        Unavailable($"The answer of {http.BaseAddress} to {what} is not Promptly's ({why}).", inner);

    private static CliException Unavailable(string message, Exception? inner = null) => new(BenchExitCodes.Unavailable, message, inner);

    public void Dispose() => http.Dispose();
}
