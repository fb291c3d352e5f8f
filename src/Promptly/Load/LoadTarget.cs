using System.Buffers;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text.Json;

namespace Promptly.Load;

/// <summary>The result of one request: success, or the kind of failure ("HTTP 500", "timeout", …), and the server's own time if it gave one.</summary>
internal readonly record struct Outcome(string? Error, double ServerMs = double.NaN)
{
    public bool Ok => Error is null;
}

/// <summary>
/// Sends the requests of each scenario kind to a Promptly server. Bodies are encoded once; responses are read into a
/// pooled buffer and only the fields the run needs are picked out (the new session's id, a turn's <c>done</c>, the
/// server's <c>latency.response_time_ms</c>).
/// </summary>
/// <remarks>Thread-safe: one instance serves every concurrent request of a run.</remarks>
internal sealed class LoadTarget(HttpClient http, Uri server, string concept, SessionPool pool)
{
    private const int BufferSize = 16 * 1024;

    // Short answers that give no reason: each element gets its probe, so an interview lasts many turns.
    private static readonly byte[][] Answers =
    [
        .. new[]
        {
            "I mostly build backend services.", "A billing migration.", "A memory leak in a worker.", "Event queues.",
            "Tests first, usually.", "I ask why.", "We dropped features.", "A design review.", "Go, last year.", "The product.",
        }.Select(a => JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string> { ["user_input"] = a })),
    ];

    private static readonly MediaTypeHeaderValue Json = new("application/json");
    private static readonly byte[] IdName = "id"u8.ToArray();
    private static readonly byte[] DoneName = "done"u8.ToArray();
    private static readonly byte[] LatencyName = "latency"u8.ToArray();
    private static readonly byte[] ResponseTimeName = "response_time_ms"u8.ToArray();

    private readonly byte[] _startBody = JsonSerializer.SerializeToUtf8Bytes(
        new Dictionary<string, string> { ["concept_id"] = concept, ["interview_type"] = "PRACTICE", ["candidate"] = "promptly load" });

    private readonly Uri _sessions = new(server, "sessions");
    private readonly Uri _health = new(server, "health");

    public SessionPool Pool => pool;

    public async Task<Outcome> SendAsync(ScenarioKind kind, LoadSession? session, CancellationToken cancellationToken)
    {
        try
        {
            return kind switch
            {
                ScenarioKind.CreateInterview => await CreateAsync(cancellationToken),
                ScenarioKind.GetInterview => await GetAsync(session!.StateUri, cancellationToken),
                ScenarioKind.TakeTurn => await TurnAsync(session!, cancellationToken),
                _ => await GetAsync(_health, cancellationToken),
            };
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return new Outcome("timeout");
        }
        catch (HttpRequestException e)
        {
            return new Outcome(Kind(e));
        }
        catch (Exception e) when (e is IOException or JsonException or InvalidDataException)
        {
            return new Outcome(e is IOException ? "connection error" : "bad response");
        }
    }

    /// <summary>Starts a session and adds it to the pool; used by the run's set-up too.</summary>
    public async Task<Outcome> CreateAsync(CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, _sessions) { Content = Body(_startBody) };
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        var (buffer, length) = await ReadAsync(response, cancellationToken);
        try
        {
            if (response.StatusCode != HttpStatusCode.OK) return new Outcome(StatusKind(response.StatusCode));
            var fields = Fields.Read(buffer.AsSpan(0, length));
            if (fields.Id is null) throw new InvalidDataException("The answer to POST /sessions has no id.");
            pool.Add(new LoadSession(fields.Id, server));
            return new Outcome(null, fields.ResponseTimeMs);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private async Task<Outcome> TurnAsync(LoadSession session, CancellationToken cancellationToken)
    {
        var answer = Answers[session.Turns++ % Answers.Length];
        using var request = new HttpRequestMessage(HttpMethod.Post, session.TurnUri) { Content = Body(answer) };
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        var (buffer, length) = await ReadAsync(response, cancellationToken);
        try
        {
            // A failed turn's session is dropped, not returned: after a timeout the server may still be answering it.
            if (response.StatusCode != HttpStatusCode.OK) return new Outcome(StatusKind(response.StatusCode));
            var fields = Fields.Read(buffer.AsSpan(0, length));
            if (!fields.Done) pool.Return(session);
            return new Outcome(null, fields.ResponseTimeMs);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private async Task<Outcome> GetAsync(Uri uri, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, uri);
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        await DrainAsync(response, cancellationToken);
        return new Outcome(response.StatusCode == HttpStatusCode.OK ? null : StatusKind(response.StatusCode));
    }

    private static ByteArrayContent Body(byte[] bytes)
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = Json;
        return content;
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
                if (buffer.Length >= ScenarioFile.MaxFileBytes * 8) throw new InvalidDataException("The answer is over 8 MiB.");
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

    /// <summary>Reads and discards the body, so the connection can carry the next request.</summary>
    private static async Task DrainAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
            while (await stream.ReadAsync(buffer, cancellationToken) > 0)
            {
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static readonly string[] StatusKinds = [.. Enumerable.Range(0, 600).Select(code => $"HTTP {code}")];

    private static string StatusKind(HttpStatusCode status) => (int)status is >= 0 and < 600 ? StatusKinds[(int)status] : $"HTTP {(int)status}";

    /// <summary>A short, stable name for a failed exchange, so errors group by kind.</summary>
    public static string Kind(HttpRequestException e)
    {
        if (e.StatusCode is { } status) return StatusKind(status);
        for (Exception? inner = e; inner is not null; inner = inner.InnerException)
        {
            if (inner is SocketException { SocketErrorCode: SocketError.ConnectionRefused }) return "connection refused";
            if (inner is SocketException { SocketErrorCode: SocketError.ConnectionReset }) return "connection reset";
        }

        return e.HttpRequestError switch
        {
            HttpRequestError.ConnectionError => "connection error",
            HttpRequestError.ResponseEnded => "response ended",
            HttpRequestError.NameResolutionError => "name resolution",
            _ => "HTTP error",
        };
    }

    /// <summary>The few top-level fields of a session or turn answer the run needs, read without building a document.</summary>
    private readonly record struct Fields(string? Id, bool Done, double ResponseTimeMs)
    {
        public static Fields Read(ReadOnlySpan<byte> json)
        {
            var reader = new Utf8JsonReader(json);
            string? id = null;
            var done = false;
            var serverMs = double.NaN;
            while (reader.Read())
            {
                if (reader.TokenType != JsonTokenType.PropertyName) continue;
                if (reader.CurrentDepth == 1)
                {
                    if (reader.ValueTextEquals(IdName) && reader.Read()) id = reader.GetString();
                    else if (reader.ValueTextEquals(DoneName) && reader.Read()) done = reader.TokenType == JsonTokenType.True;
                    else if (!reader.ValueTextEquals(LatencyName) && reader.Read()) reader.Skip();
                }
                else if (reader.CurrentDepth == 2 && reader.ValueTextEquals(ResponseTimeName) && reader.Read() && reader.TokenType == JsonTokenType.Number)
                {
                    serverMs = reader.GetDouble();
                }
                else if (reader.Read())
                {
                    reader.Skip();
                }
            }

            return new Fields(id, done, serverMs);
        }
    }
}
