using System.Text.Json;
using Promptly.Load;

namespace Promptly.Bench;

/// <summary>
/// Sends the turns of <c>promptly bench</c> one after another over one connection, through the shared
/// <see cref="InterviewDriver"/>: starts an interview, answers its questions, and starts another whenever one ends,
/// until the number of turns asked for has been measured.
/// </summary>
/// <remarks>
/// A turn is timed from just before its request is sent until the last byte of the answer has been read; reading
/// the answer's JSON comes after. Starting a session is not timed: it is not a turn.
/// </remarks>
internal sealed class BenchRunner(HttpClient http, InterviewDriver driver) : IDisposable
{
    private const string StartRequest = "POST /sessions";
    private const string TurnRequest = "POST /sessions/{id}/turns";

    /// <param name="arguments">What to run.</param>
    /// <param name="handler">Sends the requests (tests pass an in-memory server's); a new socket handler when null.</param>
    /// <param name="apiKey">The operator key to send, if any.</param>
    /// <param name="time">The clock the turns are timed on.</param>
    public static BenchRunner Create(BenchArguments arguments, HttpMessageHandler? handler, string? apiKey, TimeProvider time)
    {
        var http = new HttpClient(handler ?? new SocketsHttpHandler(), disposeHandler: handler is null) { Timeout = arguments.Timeout }.Authorized(apiKey);
        return new BenchRunner(http, new InterviewDriver(http, arguments.Server, arguments.Concept, "promptly bench", time));
    }

    /// <exception cref="CommandException">With <see cref="ExitCodes.Unavailable"/>: unreachable, too slow, an error answer or not Promptly's answer.</exception>
    public async Task<BenchResult> RunAsync(BenchArguments arguments, CancellationToken cancellationToken)
    {
        var timings = new List<TurnTiming>(arguments.Turns);
        var slot = new InterviewSlot();

        // Bounded: every pass measures one turn or throws.
        while (timings.Count < arguments.Turns)
        {
            var answer = await NextTurnAsync(slot, cancellationToken);
            var what = answer.Step == DriverStep.Start ? StartRequest : TurnRequest;
            if (!answer.Ok) throw Unavailable($"The server answered {(int)answer.Status} to {what}: {answer.Problem}");

            // Another session would end the same way: the run would never measure a turn.
            if (answer.Step == DriverStep.Start) throw Unavailable($"The interview on '{arguments.Concept}' ended at its greeting; there are no turns to measure.");
            if (!answer.HasLatency) throw NotPromptly(TurnRequest, "it has no latency");
            timings.Add(new TurnTiming(answer.Client.TotalMilliseconds, answer.ServerMs));
        }

        return BenchResult.From(arguments, timings, [.. slot.Started.Select(s => s.Id)]);
    }

    private async Task<DriverAnswer> NextTurnAsync(InterviewSlot slot, CancellationToken cancellationToken)
    {
        // A new interview is started first when the last one ended: a failure then is the start's.
        var what = slot.Session is { Ended: false } ? TurnRequest : StartRequest;
        try
        {
            return await driver.NextTurnAsync(slot, cancellationToken);
        }
        catch (HttpRequestException e)
        {
            throw Unavailable($"The server at {driver.Server} could not be reached: {e.Message}", e);
        }
        catch (TaskCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw Unavailable($"The server at {driver.Server} did not answer {what} within {http.Timeout.TotalSeconds:0.###} s.", e);
        }
        catch (Exception e) when (e is JsonException or InvalidDataException)
        {
            throw NotPromptly(what, e.Message, e);
        }
    }

    private CommandException NotPromptly(string what, string why, Exception? inner = null) =>
        Unavailable($"The answer of {driver.Server} to {what} is not Promptly's ({why}).", inner);

    private static CommandException Unavailable(string message, Exception? inner = null) => new(ExitCodes.Unavailable, message, inner);

    public void Dispose() => http.Dispose();
}
