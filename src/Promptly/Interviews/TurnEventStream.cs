using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http.Features;
using Promptly.Http;
using Promptly.Latency;

namespace Promptly.Interviews;

/// <summary>
/// A turn answered as Server-Sent Events: <c>token</c> events carry the reply's pieces as they come, <c>reset</c>
/// says to discard the pieces so far (the model's attempt failed; a retry or the fallback follows), and the stream
/// ends with one <c>turn</c> event (the <see cref="TurnResponse"/>, once the turn is stored) or one <c>error</c>
/// event (a <see cref="StreamProblem"/>; nothing was stored). Each <c>data</c> line is one line of JSON.
/// </summary>
/// <remarks>
/// Nothing is sent before <see cref="OpenAsync"/>, so a request refused before the turn starts (unknown session,
/// ended session, invalid body) still gets its problem status. Not thread-safe: one turn writes at a time.
/// </remarks>
internal sealed class TurnEventStream(HttpContext context, TimeProvider time) : IReplySink
{
    /// <summary>The media type a client asks for in <c>Accept</c>.</summary>
    public const string MediaType = "text/event-stream";

    private static readonly byte[] ResetEvent = "event: reset\ndata: {}\n\n"u8.ToArray();
    private readonly ArrayBufferWriter<byte> _frame = new(256);
    private Utf8JsonWriter? _json;

    /// <summary>Whether the response has started: errors from here on can only travel in the stream.</summary>
    public bool Opened { get; private set; }

    /// <inheritdoc/>
    public TimeSpan WriteTime { get; private set; }

    /// <inheritdoc/>
    public string CompletePhase => LatencyPhases.Stream;

    /// <inheritdoc/>
    /// <remarks>Every piece is already on the wire; the <c>turn</c> event follows once the turn is stored.</remarks>
    public ValueTask CompleteAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;

    /// <summary>Whether the request's <c>Accept</c> asks for Server-Sent Events.</summary>
    public static bool IsWanted(HttpRequest request)
    {
        foreach (var accept in request.GetTypedHeaders().Accept)
        {
            if (accept.MediaType.Equals(MediaType, StringComparison.OrdinalIgnoreCase) && accept.Quality is not 0) return true;
        }

        return false;
    }

    /// <inheritdoc/>
    public async ValueTask OpenAsync(CancellationToken cancellationToken)
    {
        var start = time.GetTimestamp();
        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = MediaType;
        response.Headers.CacheControl = "no-cache";
        // Proxies such as nginx hold a response back to buffer it; a stream must not be.
        response.Headers["X-Accel-Buffering"] = "no";
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        Opened = true;
        await response.StartAsync(cancellationToken);
        await response.Body.FlushAsync(cancellationToken);
        WriteTime += time.GetElapsedTime(start);
    }

    /// <inheritdoc/>
    public ValueTask WriteAsync(string piece, CancellationToken cancellationToken) =>
        SendAsync("token", new TokenEvent(piece), InterviewsJson.Default.TokenEvent, cancellationToken);

    /// <inheritdoc/>
    public async ValueTask ResetAsync(CancellationToken cancellationToken)
    {
        var start = time.GetTimestamp();
        await WriteFrameAsync(ResetEvent, cancellationToken);
        WriteTime += time.GetElapsedTime(start);
    }

    /// <summary>The last event of a stored turn; the same JSON the plain answer has.</summary>
    public ValueTask FinishAsync(TurnResponse turn, CancellationToken cancellationToken) =>
        SendAsync("turn", turn, InterviewsJson.Default.TurnResponse, cancellationToken);

    /// <summary>
    /// The last event of a turn that failed after the stream opened; nothing of it was stored. A client that left
    /// gets nothing: there is no one to tell.
    /// </summary>
    public async ValueTask FailAsync(Exception failure, ILogger logger)
    {
        var aborted = context.RequestAborted;
        if (aborted.IsCancellationRequested) return;
        var problem = InterviewProblems.Describe(failure, context) ?? ProblemExceptionHandler.Describe(failure, context, logger);
        var payload = new StreamProblem(problem.Status ?? StatusCodes.Status500InternalServerError, problem.Title ?? "", problem.Detail ?? "", context.Request.Path);
        try
        {
            await SendAsync("error", payload, InterviewsJson.Default.StreamProblem, aborted);
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            // The client left while being told.
        }
    }

    private async ValueTask SendAsync<T>(string name, T value, JsonTypeInfo<T> type, CancellationToken cancellationToken)
    {
        var start = time.GetTimestamp();

        // One buffer and one writer serve every event of the turn: a token is written per model token.
        _frame.ResetWrittenCount();
        Append(_frame, "event: ");
        Append(_frame, name);
        Append(_frame, "\ndata: ");
        _json ??= new Utf8JsonWriter(_frame);
        _json.Reset(_frame);

        // Unindented JSON escapes line breaks inside strings, so the data is one line.
        JsonSerializer.Serialize(_json, value, type);
        _json.Flush();
        Append(_frame, "\n\n");
        await WriteFrameAsync(_frame.WrittenMemory, cancellationToken);
        WriteTime += time.GetElapsedTime(start);
    }

    private static void Append(ArrayBufferWriter<byte> frame, string text) =>
        frame.Advance(Encoding.UTF8.GetBytes(text, frame.GetSpan(Encoding.UTF8.GetMaxByteCount(text.Length))));

    private async ValueTask WriteFrameAsync(ReadOnlyMemory<byte> frame, CancellationToken cancellationToken)
    {
        try
        {
            await context.Response.Body.WriteAsync(frame, cancellationToken);
            await context.Response.Body.FlushAsync(cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A failed write means the client is gone: end the request as if it had left, so the turn is cancelled
            // (nothing stored) rather than the failure being taken for the model's.
            context.Abort();
            throw new OperationCanceledException("The client stopped reading the stream.", e, context.RequestAborted);
        }
    }
}
