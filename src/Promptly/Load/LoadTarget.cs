using System.Buffers;
using System.Net;
using System.Text.Json;

namespace Promptly.Load;

/// <summary>The result of one request: success, or the kind of failure ("HTTP 500", "timeout", …), and the server's own time if it gave one.</summary>
internal readonly record struct Outcome(string? Error, double ServerMs = double.NaN)
{
    public bool Ok => Error is null;
}

/// <summary>
/// Sends the requests of each scenario kind to a Promptly server: interviews are started and answered through the
/// shared <see cref="InterviewDriver"/>, reads and health checks are sent here and their bodies drained.
/// </summary>
/// <remarks>Thread-safe: one instance serves every concurrent request of a run.</remarks>
/// <param name="acknowledged">Where every answered start and turn is recorded, for <c>--verify</c>; null when not asked.</param>
internal sealed class LoadTarget(HttpClient http, Uri server, InterviewDriver driver, SessionPool pool, AcknowledgedTurns? acknowledged = null)
{
    private const int BufferSize = 16 * 1024;

    private readonly Uri _health = new(server, "health");

    public SessionPool Pool => pool;

    /// <param name="cancellationToken">Cancelled when the request has run out of time: a cancellation is a <c>timeout</c>.</param>
    public async Task<Outcome> SendAsync(ScenarioKind kind, InterviewSession? session, CancellationToken cancellationToken)
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
            return new Outcome(RequestErrors.Timeout);
        }
        catch (HttpRequestException e)
        {
            return new Outcome(RequestErrors.Kind(e));
        }
        catch (Exception e) when (e is IOException or JsonException or InvalidDataException)
        {
            return new Outcome(e is IOException ? RequestErrors.ConnectionError : RequestErrors.BadResponse);
        }
    }

    /// <summary>Starts a session and adds it to the pool (unless its interview ended at once); used by the run's set-up too.</summary>
    private async Task<Outcome> CreateAsync(CancellationToken cancellationToken)
    {
        var (answer, session) = await driver.StartAsync(cancellationToken);
        if (session is not null) acknowledged?.Started(session);
        if (session is { Ended: false }) pool.Add(session);
        return new Outcome(answer.Error, answer.ServerMs);
    }

    private async Task<Outcome> TurnAsync(InterviewSession session, CancellationToken cancellationToken)
    {
        var answer = await driver.TurnAsync(session, cancellationToken);
        if (answer.Ok) acknowledged?.Turn(session);

        // A failed turn's session is dropped, not returned: after a timeout the server may still be answering it.
        if (answer.Ok && !session.Ended) pool.Return(session);
        return new Outcome(answer.Error, answer.ServerMs);
    }

    private async Task<Outcome> GetAsync(Uri uri, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, uri);
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        await DrainAsync(response, cancellationToken);
        return new Outcome(response.StatusCode == HttpStatusCode.OK ? null : RequestErrors.Status(response.StatusCode));
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
}
