using System.Buffers;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Promptly.Load;

/// <summary>
/// Drives interviews on a Promptly server for the load tools (<c>promptly load</c>, <c>promptly bench</c> and
/// bench/Promptly.TurnLoad): starts sessions, takes turns with short answers, reads from each answer the fields the
/// tools need (the session's id, <c>question_number</c>, <c>done</c>, the server's <c>latency</c>), and keeps each
/// <see cref="InterviewSession"/> up to date: an interview that answered <c>done: true</c>, or whose turn the server
/// refused with 409, has ended, and <see cref="NextTurnAsync"/> starts a new one in its place.
/// </summary>
/// <remarks>
/// Thread-safe: one driver serves every concurrent request of a run; each session is held by one request at a time.
/// Bodies are encoded once and answers read into pooled buffers, so a request costs the generator little. Transport
/// failures (<see cref="HttpRequestException"/>, timeouts through <see cref="HttpClient.Timeout"/> or the token) and
/// answers that are not JSON (<see cref="JsonException"/>, <see cref="InvalidDataException"/>) are thrown; every HTTP
/// status is an answer. A request is timed from just before it is sent to the last byte of its answer.
/// </remarks>
internal sealed class InterviewDriver
{
    /// <summary>The guide of the default interviews: the built-in one with the longest interviews.</summary>
    public const string DefaultConcept = "software_engineer_practice";

    private const int BufferSize = 16 * 1024;
    private const int MaxAnswerBytes = 8 << 20;

    /// <summary>
    /// The answers the driver gives, turn after turn: short and giving no reason, so the interviewer probes every
    /// question once, an interview of the default guide lasts its full 20 turns, and starting sessions stays a small
    /// share of the requests.
    /// </summary>
    public static readonly IReadOnlyList<string> AnswerTexts =
    [
        "Mostly backend work.", "Payments, mainly.", "A flaky cache.", "Queues.", "Unit tests.",
        "I ask questions.", "Cut scope.", "We talked.", "Rust.", "Good team.",
    ];

    // The turn bodies, encoded once.
    private static readonly byte[][] Answers =
        [.. AnswerTexts.Select(a => JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string> { ["user_input"] = a }))];

    private static readonly MediaTypeHeaderValue Json = new("application/json");

    private readonly HttpClient _http;
    private readonly Uri _server;
    private readonly TimeProvider _time;
    private readonly Uri _sessions;
    private readonly byte[] _startBody;

    /// <param name="server">The base URL, ending in '/' (see <see cref="ServerUrl.Parse"/>); requests go to absolute addresses under it.</param>
    /// <param name="candidate">The candidate name the interviews are started with, so they can be told apart on the server.</param>
    public InterviewDriver(HttpClient http, Uri server, string concept, string candidate, TimeProvider time)
    {
        _http = http;
        _server = server;
        _time = time;
        _sessions = new Uri(server, "sessions");
        _startBody = JsonSerializer.SerializeToUtf8Bytes(
            new Dictionary<string, string> { ["concept_id"] = concept, ["interview_type"] = "PRACTICE", ["candidate"] = candidate });
    }

    /// <summary>The server's base URL.</summary>
    public Uri Server => _server;

    /// <summary>Starts an interview; the session is null unless the server answered 200.</summary>
    /// <exception cref="InvalidDataException">A 200 answer without a session id.</exception>
    public async Task<(DriverAnswer Answer, InterviewSession? Session)> StartAsync(CancellationToken cancellationToken)
    {
        var (answer, fields) = await SendAsync(DriverStep.Start, _sessions, _startBody, cancellationToken);
        if (!answer.Ok) return (answer, null);
        if (string.IsNullOrEmpty(fields.Id)) throw new InvalidDataException("The answer to POST /sessions has no session id.");
        return (answer, new InterviewSession(fields.Id, _server) { Ended = fields.Done, Token = fields.Token });
    }

    /// <summary>
    /// Takes the next turn of <paramref name="session"/> and records what the server acknowledged. A 409 ends the
    /// session: the server is still answering another turn of it, or it has moved on or closed.
    /// </summary>
    public async Task<DriverAnswer> TurnAsync(InterviewSession session, CancellationToken cancellationToken)
    {
        var body = Answers[session.Turns++ % Answers.Length];
        var (answer, fields) = await SendAsync(DriverStep.Turn, session.TurnUri, body, cancellationToken);
        if (answer.Ok)
        {
            session.QuestionNumber = fields.QuestionNumber;
            session.Ended = fields.Done;
        }
        else if (answer.Status == HttpStatusCode.Conflict)
        {
            session.Ended = true;
        }

        return answer;
    }

    /// <summary>
    /// Takes a turn in <paramref name="slot"/>'s interview, first starting a new interview (not a turn, so not in the
    /// turn's time) when the slot has none or its interview has ended. The answer is to the start when starting
    /// failed, or when the new interview ended at its greeting (then there is no turn to take).
    /// </summary>
    public async Task<DriverAnswer> NextTurnAsync(InterviewSlot slot, CancellationToken cancellationToken)
    {
        if (slot.Session is not { Ended: false } session)
        {
            var (start, started) = await StartAsync(cancellationToken);
            if (started is null) return start;
            slot.Add(started);
            if (started.Ended) return start;
            session = started;
        }

        return await TurnAsync(session, cancellationToken);
    }

    private async Task<(DriverAnswer Answer, AnswerFields Fields)> SendAsync(DriverStep step, Uri uri, byte[] body, CancellationToken cancellationToken)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = Json;
        using var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = content };
        var sent = _time.GetTimestamp();
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        var (buffer, length) = await ReadAsync(response, cancellationToken);
        try
        {
            var client = _time.GetElapsedTime(sent);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                var problem = ProblemAnswer.DetailOf(buffer.AsMemory(0, length)) ?? response.ReasonPhrase;
                return (new DriverAnswer(step, response.StatusCode, client, double.NaN, double.NaN, problem), default);
            }

            var fields = AnswerFields.Read(buffer.AsSpan(0, length));
            return (new DriverAnswer(step, response.StatusCode, client, fields.ServerMs, fields.AiMs, null), fields);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>The whole body in a rented buffer (the caller returns it).</summary>
    private static async Task<(byte[] Buffer, int Length)> ReadAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        var length = 0;
        try
        {
            await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
            int read;
            while ((read = await stream.ReadAsync(buffer.AsMemory(length), cancellationToken)) > 0)
            {
                length += read;
                if (length < buffer.Length) continue;
                if (buffer.Length >= MaxAnswerBytes) throw new InvalidDataException("The answer is over 8 MiB.");
                var larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                buffer.AsSpan(0, length).CopyTo(larger);
                ArrayPool<byte>.Shared.Return(buffer);
                buffer = larger;
            }

            return (buffer, length);
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
    }
}
