using System.Buffers;
using System.Net.WebSockets;
using System.Runtime.InteropServices;
using System.Text.Json;
using Promptly.Audio;
using Promptly.Budget;
using Promptly.Http;
using Promptly.Interviews;
using Promptly.Latency;
using Promptly.Speech;
using Promptly.Storage;

namespace Promptly.Voice;

/// <summary>
/// One voice socket of a session: audio in, turns detected on the audio's own clock, each turn transcribed and handed
/// to the interview core, the reply spoken back. The receive loop owns the audio pipeline; one responder at a time
/// answers a turn; a barge-in stops the interviewer's audio. When the socket closes, everything in flight for it is
/// cancelled and nothing more is sent or stored.
/// </summary>
internal sealed partial class VoiceConversation : IAsyncDisposable
{
    private const string Untranscribed = "(speech not transcribed: no speech-to-text provider is configured)";
    private const string Skipped = "(question skipped)";
    private const string SayAgain = "Sorry, I didn't catch that. Could you say that again?";

    private readonly string _sessionId;
    private readonly WebSocket _webSocket;
    private readonly VoiceSocket _socket;
    private readonly VoiceServices _services;
    private readonly ILogger _logger;
    private readonly VoiceOptions _options;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _lifetime;
    private readonly Lock _sync = new();
    private readonly List<AudioEvent> _events = [];
    private readonly ArrivalClock _arrivals = new();
    private readonly ITimer _pausedSending;
    private readonly ITimer _stoppedSending;
    private AudioPipeline? _pipeline;
    private int _sampleRate = SampleRates.Pipeline;
    private bool _turnHasSpeech;
    private Task _responding = Task.CompletedTask;
    private int _pending;
    private CancellationTokenSource? _speaking;
    private Speculation? _speculation;
    private bool _finished;
    private bool _ending;

    public VoiceConversation(string sessionId, WebSocket webSocket, VoiceServices services, CancellationToken aborted)
    {
        _sessionId = sessionId;
        _webSocket = webSocket;
        _lifetime = CancellationTokenSource.CreateLinkedTokenSource(aborted);
        _socket = new VoiceSocket(webSocket, _lifetime.Token);
        _services = services;
        _logger = services.Logger;
        _options = services.Options;
        _time = services.Time;
        _pausedSending = _time.CreateTimer(_ => OnPausedSending(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _stoppedSending = _time.CreateTimer(_ => OnStoppedSending(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    private CancellationToken Closed => _lifetime.Token;

    /// <summary>A newer socket took the session over: this one stops, says why and closes.</summary>
    public async Task ReplaceAsync()
    {
        await FailAsync(StatusCodes.Status409Conflict, "Replaced", "A newer voice connection took this session over.", WebSocketCloseStatus.PolicyViolation);
        await _lifetime.CancelAsync();
    }

    /// <summary>Runs until the client closes the socket, the interview completes or the server stops.</summary>
    public async Task RunAsync()
    {
        var buffer = ArrayPool<byte>.Shared.Rent(_options.MaxMessageBytes);
        try
        {
            while (!Closed.IsCancellationRequested && _webSocket.State == WebSocketState.Open)
            {
                var (kind, length) = await ReceiveAsync(buffer);
                if (kind == WebSocketMessageType.Close)
                {
                    // The closing handshake: a client waits for the close that answers its own (RFC 6455, 5.5.1).
                    await _socket.CloseAsync(_webSocket.CloseStatus ?? WebSocketCloseStatus.NormalClosure, "", CancellationToken.None);
                    break;
                }

                if (length < 0)
                {
                    await FailAsync(StatusCodes.Status413PayloadTooLarge, "Message too large",
                        $"A message may be at most {_options.MaxMessageBytes} bytes (Voice:MaxMessageBytes); send audio in frames of 10 to 200 ms.",
                        WebSocketCloseStatus.MessageTooBig);
                    break;
                }

                if (kind == WebSocketMessageType.Binary) await OnAudioAsync(buffer.AsMemory(0, length));
                else await OnMessageAsync(buffer.AsMemory(0, length));
                if (_finished) break;
            }
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException or IOException)
        {
            // The client left or the server is stopping: DisposeAsync cancels what is in flight. A transport that is
            // gone under the socket (a client that drops it right after our close) may say so as an IOException.
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>One whole message into <paramref name="buffer"/>; length -1 when it does not fit.</summary>
    private async ValueTask<(WebSocketMessageType Kind, int Length)> ReceiveAsync(byte[] buffer)
    {
        var length = 0;
        while (true)
        {
            if (length == buffer.Length) return (WebSocketMessageType.Binary, -1);
            var result = await _webSocket.ReceiveAsync(buffer.AsMemory(length), Closed);
            length += result.Count;
            if (result.MessageType == WebSocketMessageType.Close || result.EndOfMessage) return (result.MessageType, length);
        }
    }

    private async ValueTask OnAudioAsync(ReadOnlyMemory<byte> pcm)
    {
        if (_pipeline is null) await BeginAsync(SampleRates.Pipeline);
        lock (_sync)
        {
            _events.Clear();
            _pipeline!.Write(pcm.Span, _events);
            _arrivals.Received(_pipeline.SamplesReceived, _time.GetTimestamp());
            foreach (var e in _events)
            {
                if (e.Kind == AudioEventKind.SpeechStarted) _turnHasSpeech = true;
                else if (e.Kind == AudioEventKind.TurnEnded) _turnHasSpeech = false;
            }

            // Only a client that stops sending needs the wall clock: while audio flows, its own clock pauses and ends the turn.
            WatchSending(_turnHasSpeech);
        }

        // Most frames change nothing: only a frame with events pays for a copy (the list is reused by the next frame).
        if (_events.Count == 0) return;
        foreach (var e in _events.ToArray()) await OnAudioEventAsync(e);
    }

    /// <summary>
    /// Arms (or disarms) the wall clock's pause and end of the turn, counted from the last audio received. Its pause
    /// matters as the audio clock's does: the transcription starts there, so a client that stops sending in the middle
    /// of speech (push to talk, a muted microphone) is not left with only what remains of the deadline after the silence.
    /// </summary>
    private void WatchSending(bool inSpeech)
    {
        var pause = _services.TurnDetection.PauseMs;
        _pausedSending.Change(inSpeech && pause < _options.SilenceMs ? TimeSpan.FromMilliseconds(pause) : Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _stoppedSending.Change(inSpeech ? TimeSpan.FromMilliseconds(_options.SilenceMs) : Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    private void OnPausedSending()
    {
        AudioEvent paused;
        lock (_sync)
        {
            if (!_turnHasSpeech || _pipeline?.PauseTurnByClient() is not { } byClient) return;
            paused = byClient;
        }

        _ = OnAudioEventAsync(paused);
    }

    private void OnStoppedSending()
    {
        AudioEvent ended;
        lock (_sync)
        {
            if (!_turnHasSpeech || _pipeline?.EndTurnByClient() is not { } byClient) return;
            _turnHasSpeech = false;
            // The client stopped sending mid-turn: its silence is measured on the wall clock instead of its audio.
            ended = byClient with { Reason = TurnEndReason.Silence };
        }

        _ = OnAudioEventAsync(ended);
    }

    private async Task OnAudioEventAsync(AudioEvent e)
    {
        switch (e.Kind)
        {
            case AudioEventKind.SpeechStarted:
                await SendAsync(new MarkEvent("speech_started", AtMs(e.Sample)), VoiceJson.Default.MarkEvent);
                Interrupt();
                break;
            case AudioEventKind.Paused:
                Speculate(e.Sample);
                break;
            case AudioEventKind.SpeechResumed:
                lock (_sync)
                {
                    _speculation?.Dispose();
                    _speculation = null;
                }

                break;
            case AudioEventKind.TurnEnded:
                await EndTurnAsync(e);
                break;
        }
    }

    private async Task EndTurnAsync(AudioEvent e)
    {
        var decision = _time.GetTimestamp();
        PendingTurn turn;
        lock (_sync)
        {
            var samples = _pipeline!.TurnSamples;
            var copy = ArrayPool<short>.Shared.Rent(Math.Max(1, samples.Length));
            samples.Span.CopyTo(copy);
            // A turn without speech (end_turn right away) is timed from the decision itself.
            var arrival = e.Sample > 0 ? _arrivals.TimestampOf(e.Sample) : decision;
            // The transcript started at the pause is this turn's when nothing was said since: same last voiced sample.
            var speculation = _speculation?.LastVoiced == e.Sample ? _speculation : null;
            if (speculation is null) _speculation?.Dispose();
            _speculation = null;
            turn = new PendingTurn(copy, samples.Length, arrival, decision) { Speculation = speculation };
            _pipeline.NextTurn();
            _turnHasSpeech = false;
            WatchSending(inSpeech: false);
        }

        if (e.Sample > 0) await SendAsync(new MarkEvent("speech_ended", AtMs(e.Sample)), VoiceJson.Default.MarkEvent);
        await SendAsync(new TurnEndedEvent(ReasonOf(e.Reason), AtMs(e.Sample)), VoiceJson.Default.TurnEndedEvent);
        await RespondAsync(turn);
    }

    private async Task RespondAsync(PendingTurn turn)
    {
        if (TryEnqueue(async () =>
            {
                using (turn) await AnswerSpeechAsync(turn);
            }))
        {
            return;
        }

        turn.Dispose();
        await TooManyTurnsAsync();
    }

    /// <summary>
    /// Runs a turn's <paramref name="work"/> after whatever the responder is doing: replies go out one at a time and in
    /// order (a candidate who went on speaking gets the answer to the first part, then to the next). At most
    /// <see cref="VoiceOptions.MaxPendingTurns"/> wait or run at once; replies are spoken in real time, so a client that
    /// sends turns faster than that, or stopped reading the replies, would otherwise queue work without end.
    /// </summary>
    /// <returns>False when the work was refused: as many turns are waiting already.</returns>
    private bool TryEnqueue(Func<Task> work)
    {
        lock (_sync)
        {
            if (_pending >= _options.MaxPendingTurns) return false;
            _pending++;
            _responding = AfterAsync(_responding, work, isTurn: true);
            return true;
        }
    }

    /// <summary>Runs <paramref name="work"/> that comes once a socket (the standing question, the end) after the responder's, uncounted.</summary>
    private void Enqueue(Func<Task> work)
    {
        lock (_sync) _responding = AfterAsync(_responding, work, isTurn: false);
    }

    private async Task AfterAsync(Task previous, Func<Task> work, bool isTurn)
    {
        try
        {
            await previous;
            if (Closed.IsCancellationRequested || _finished) return;
            await RunWorkAsync(work);
        }
        finally
        {
            if (isTurn)
            {
                lock (_sync) _pending--;
            }
        }
    }

    private async Task RunWorkAsync(Func<Task> work)
    {
        try
        {
            await work();
        }
        catch (OperationCanceledException) when (Closed.IsCancellationRequested)
        {
        }
        catch (InterviewConflictException e)
        {
            await FailAsync(StatusCodes.Status409Conflict, "Conflict", e.Message, WebSocketCloseStatus.PolicyViolation);
        }
        catch (InterviewNotFoundException e)
        {
            await FailAsync(StatusCodes.Status404NotFound, "Not Found", e.Message, WebSocketCloseStatus.PolicyViolation);
        }
        catch (InterviewerFailedException e)
        {
            // Nothing was stored: the candidate may answer again.
            await SendAsync(new ErrorEvent(StatusCodes.Status502BadGateway, "Interviewer failed", e.Message), VoiceJson.Default.ErrorEvent);
        }
        catch (StorageUnavailableException e)
        {
            await SendAsync(new ErrorEvent(StatusCodes.Status503ServiceUnavailable, "Storage unavailable", e.Message), VoiceJson.Default.ErrorEvent);
        }
        catch (Exception e)
        {
            LogFailed(e, _sessionId);
            await SendAsync(new ErrorEvent(StatusCodes.Status500InternalServerError, "Internal error", "The turn failed on the server; it was logged."),
                VoiceJson.Default.ErrorEvent);
        }
    }

    private async Task AnswerSpeechAsync(PendingTurn turn)
    {
        // The turn may have waited behind the previous reply (its audio goes out in real time): that wait is its own phase.
        var pickedUp = _time.GetTimestamp();
        using var reply = SpokenReply.For(_services, _sampleRate, Closed);
        var eotWait = _time.GetElapsedTime(turn.Arrival, turn.Decision);
        var queued = _time.GetElapsedTime(turn.Decision, pickedUp);
        string text;
        var heard = true;
        var transcriber = _services.Transcriber;
        if (transcriber.Available)
        {
            // The transcript must come in time for the rest of the response to fit the budget; past the deadline the
            // candidate hears a request to repeat rather than silence.
            var deadline = TimeSpan.FromMilliseconds(_options.SttDeadlineMs) - _time.GetElapsedTime(turn.Arrival);
            using var late = new CancellationTokenSource(deadline > TimeSpan.Zero ? deadline : TimeSpan.Zero, _time);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Closed, late.Token);
            try
            {
                text = (await TranscribeAsync(turn, timeout.Token)).Text.Trim();
            }
            catch (SpeechFailedException e)
            {
                await SayAgainAsync(turn, pickedUp, $"speech to text failed: {e.Message}");
                return;
            }
            catch (OperationCanceledException) when (!Closed.IsCancellationRequested)
            {
                await SayAgainAsync(turn, pickedUp, $"speech to text took longer than {_options.SttDeadlineMs} ms from the end of speech (Voice:SttDeadlineMs)");
                return;
            }

            if (text.Length == 0)
            {
                await SayAgainAsync(turn, pickedUp, "speech to text heard no words");
                return;
            }
        }
        else
        {
            text = Untranscribed;
            heard = false;
        }

        await SendAsync(new TranscriptEvent(text, heard, Ms(turn.Duration)), VoiceJson.Default.TranscriptEvent);
        // Up to the hand-over, so that the phases cover the response's whole time.
        var handedOver = _time.GetTimestamp();
        var stt = _time.GetElapsedTime(pickedUp, handedOver);
        var input = new TurnInput(text, turn.Arrival)
        {
            HandedOver = handedOver,
            Channel = LatencyChannels.Voice,
            Heard = heard,
            Before =
            [
                new PhaseTiming(LatencyPhases.EotWait, eotWait.TotalMilliseconds),
                new PhaseTiming(LatencyPhases.TurnQueue, queued.TotalMilliseconds),
                new PhaseTiming(LatencyPhases.Stt, stt.TotalMilliseconds),
            ],
        };
        await AnswerAsync(input, reply, _options.KeepAudio ? stored => KeepAsync(stored, turn) : null);
    }

    /// <summary>The turn's audio, kept once the turn is stored (off the response's path: while its reply plays).</summary>
    /// <remarks>
    /// Not cancelled when the socket closes: the turn is stored, so its audio is kept too, also when the candidate hangs
    /// up or reconnects (to this server or another) before the write was taken.
    /// </remarks>
    private Task KeepAsync(InterviewResponse stored, PendingTurn turn) =>
        _services.Recordings.SaveRecordingAsync(
            new TurnRecording(_sessionId, stored.Message.QuestionNumber, SampleRates.Pipeline, MemoryMarshal.AsBytes(turn.Samples.Span).ToArray(), _time.GetUtcNow()),
            CancellationToken.None);

    /// <summary>
    /// Budget intelligence: at the answer's first pause its transcription starts, while the end-of-turn silence is
    /// still being waited out; if the turn then ends with nothing more said, that transcript is the turn's and speech
    /// to text has mostly happened inside the wait. Speech that resumes throws it away. The response is timed from the
    /// end of speech either way, so this shortens the measured time rather than hiding any of it.
    /// </summary>
    private void Speculate(long lastVoiced)
    {
        if (!_services.Transcriber.Available) return;
        lock (_sync)
        {
            _speculation?.Dispose();
            _speculation = Speculation.Start(_services.Transcriber, _pipeline!.TurnSamples, lastVoiced, Closed);
        }
    }

    private async Task<Transcript> TranscribeAsync(PendingTurn turn, CancellationToken cancellationToken)
    {
        if (turn.Speculation is { } speculation)
        {
            try
            {
                return await speculation.Transcript.WaitAsync(cancellationToken);
            }
            catch (SpeechFailedException)
            {
                // The speculative call failed: the turn's own transcription gets its chance.
            }
        }

        return await _services.Transcriber.TranscribeAsync(turn.Samples, cancellationToken);
    }

    /// <summary>
    /// Hands a turn to the interview core and speaks its reply; the core's refusals become <c>error</c> events. The
    /// reply's audio is sent by its own task from the start, so a streamed reply is heard from its first sentence on
    /// (see <see cref="SpokenReply"/>), before the words are all written and stored.
    /// </summary>
    /// <param name="input">The turn.</param>
    /// <param name="reply">Speaks the reply; null when there is no speech synthesis.</param>
    /// <param name="stored">Work for once the turn is stored, run while its reply plays.</param>
    private async Task AnswerAsync(TurnInput input, SpokenReply? reply, Func<InterviewResponse, Task>? stored = null)
    {
        var speaking = SpeakAsync(reply);
        InterviewResponse response;
        try
        {
            response = await _services.Interviews.TakeTurnAsync(_sessionId, input, reply, Closed);
        }
        catch
        {
            reply?.Abandon();
            await Quietly(speaking);
            throw;
        }

        var after = stored?.Invoke(response) ?? Task.CompletedTask;
        await SendAsync(new QuestionEvent(response.Message.Content, response.Message.QuestionNumber, response.Step.Kind, response.Step.Done), VoiceJson.Default.QuestionEvent);
        await SendAsync(new LatencyEvent(LatencyView.From(response.Latency)), VoiceJson.Default.LatencyEvent);
        reply?.Release();
        await speaking;
        await after;
        if (response.Step.Done) await CompleteAsync();
    }

    private static async Task Quietly(Task task)
    {
        try
        {
            await task;
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException)
        {
            // The turn's own failure is the one reported.
        }
    }

    /// <summary>
    /// A turn that could not be transcribed gets a spoken request to repeat it rather than silence. It is a response
    /// like any other, timed from the end of speech and recorded (as failed, with why); the question stands.
    /// </summary>
    private async Task SayAgainAsync(PendingTurn turn, long pickedUp, string cause)
    {
        var state = await _services.Interviews.GetStateAsync(_sessionId, Closed);
        await using var tracker = _services.Budget.Start(state.Subject, turn.Arrival, state.Session.QuestionNumber, channel: LatencyChannels.Voice);
        // The same phases as an answered turn up to the transcript that never came.
        tracker.AddPhase(LatencyPhases.EotWait, _time.GetElapsedTime(turn.Arrival, turn.Decision));
        tracker.AddPhase(LatencyPhases.TurnQueue, _time.GetElapsedTime(turn.Decision, pickedUp));
        tracker.AddPhase(LatencyPhases.Stt, pickedUp);
        tracker.Failed(cause);
        using var reply = SpokenReply.For(_services, _sampleRate, Closed);
        if (reply is not null)
        {
            using (tracker.Phase(reply.CompletePhase)) await reply.SayAsync(SayAgain, Closed);
            reply.ReportTo(tracker);
        }

        var record = await tracker.CommitAsync(_services.Budget.StoreAsync, Closed);
        await SendAsync(new QuestionEvent(SayAgain, state.Session.QuestionNumber, "repeat", Done: false), VoiceJson.Default.QuestionEvent);
        await SendAsync(new LatencyEvent(LatencyView.From(record)), VoiceJson.Default.LatencyEvent);
        reply?.Release();
        await SpeakAsync(reply);
    }

    /// <summary>
    /// Sends the reply's audio once it is released, as it is synthesized, no more than <see cref="VoiceOptions.AudioLeadMs"/>
    /// ahead of real time, so that a barge-in (the candidate speaking) stops it promptly: <c>interrupted</c> instead of
    /// <c>audio_end</c>. A reply given up before its release sends nothing.
    /// </summary>
    private async Task SpeakAsync(SpokenReply? reply)
    {
        if (reply is null) return;
        try
        {
            await reply.Released.WaitAsync(Closed);
        }
        catch (OperationCanceledException) when (!Closed.IsCancellationRequested)
        {
            reply.SenderStopped();
            return;
        }

        if (!reply.HasAudio && reply.Failure is { } failure)
        {
            reply.SenderStopped();
            await SendAsync(new ErrorEvent(StatusCodes.Status502BadGateway, "Speech synthesis failed", $"The reply is sent as text only: {failure}"), VoiceJson.Default.ErrorEvent);
            return;
        }

        using var speaking = CancellationTokenSource.CreateLinkedTokenSource(Closed);
        _speaking = speaking;
        var start = _time.GetTimestamp();
        long sent = 0;
        try
        {
            await SendAsync(new AudioStartEvent(_sampleRate), VoiceJson.Default.AudioStartEvent);
            await foreach (var chunk in reply.ReadAudioAsync(speaking.Token))
            {
                var ahead = TimeSpan.FromSeconds((double)sent / _sampleRate) - _time.GetElapsedTime(start) - TimeSpan.FromMilliseconds(_options.AudioLeadMs);
                if (ahead > TimeSpan.Zero) await Task.Delay(ahead, _time, speaking.Token);
                await _socket.SendAudioAsync(chunk.Bytes, speaking.Token);
                if (sent == 0) reply.FirstFrameSent();
                sent += chunk.Samples;
            }

            await SendAsync(new MarkEvent(reply.Abandoned ? "interrupted" : "audio_end", AtMs(_pipeline?.SamplesReceived ?? 0)), VoiceJson.Default.MarkEvent);
            if (!reply.Abandoned && reply.Failure is { } partly)
            {
                await SendAsync(new ErrorEvent(StatusCodes.Status502BadGateway, "Speech synthesis failed", $"The rest of the reply is sent as text only: {partly}"),
                    VoiceJson.Default.ErrorEvent);
            }
        }
        catch (OperationCanceledException) when (!Closed.IsCancellationRequested)
        {
            await SendAsync(new MarkEvent("interrupted", AtMs(_pipeline?.SamplesReceived ?? 0)), VoiceJson.Default.MarkEvent);
        }
        finally
        {
            _speaking = null;
            reply.SenderStopped();
        }
    }

    /// <summary>Barge-in: the candidate speaks, so the interviewer's audio stops.</summary>
    private void Interrupt()
    {
        try
        {
            _speaking?.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The audio had just ended.
        }
    }

    private async Task OnMessageAsync(ReadOnlyMemory<byte> json)
    {
        ClientMessage? message;
        try
        {
            message = JsonSerializer.Deserialize(json.Span, VoiceJson.Default.ClientMessage);
        }
        catch (JsonException e)
        {
            await RefuseAsync($"The message could not be read: {JsonBody.Describe(e)}. Send a JSON object with a 'type'.");
            return;
        }

        switch (message?.Type)
        {
            case "start":
                await StartAsync(message.SampleRate);
                break;
            case "end_turn":
                await EndTurnByClientAsync();
                break;
            case "skip_question":
                await TypedTurnAsync(Skipped, heard: false);
                break;
            case "text":
                if (string.IsNullOrWhiteSpace(message.Text)) await RefuseAsync("A 'text' message needs a non-empty 'text'.");
                else if (message.Text.Trim().Length > _services.MaxInputChars) await RefuseAsync($"'text' is longer than {_services.MaxInputChars} characters.");
                else await TypedTurnAsync(message.Text.Trim(), heard: true);
                break;
            case "end_interview":
                // Once, after the replies already waiting, and never refused: a second one asks for what is coming.
                if (_ending) break;
                _ending = true;
                Enqueue(async () =>
                {
                    await _services.Interviews.EndAsync(_sessionId, Closed);
                    await CompleteAsync();
                });
                break;
            default:
                await RefuseAsync($"Unknown message type '{message?.Type}': expected start, end_turn, skip_question, text or end_interview.");
                break;
        }
    }

    private async Task StartAsync(int? sampleRate)
    {
        if (_pipeline is not null)
        {
            await RefuseAsync("'start' must be the first message; the sample rate cannot change once audio has begun.");
            return;
        }

        var rate = sampleRate ?? SampleRates.Pipeline;
        if (!SampleRates.IsAccepted(rate))
        {
            await FailAsync(StatusCodes.Status400BadRequest, "Unsupported sample rate",
                $"sample_rate {rate} is not supported; use one of {string.Join(", ", SampleRates.Accepted)} Hz.", WebSocketCloseStatus.InvalidMessageType);
            return;
        }

        await BeginAsync(rate);
    }

    /// <summary>The audio format is settled (by <c>start</c> or by the first audio at 16 kHz): say so, then ask the standing question.</summary>
    private async Task BeginAsync(int rate)
    {
        _sampleRate = rate;
        var vad = _services.Detectors.Create();
        lock (_sync) _pipeline = new AudioPipeline(rate, vad, _services.TurnDetection);
        var state = await _services.Interviews.GetStateAsync(_sessionId, Closed);
        await SendAsync(new ReadyEvent(_sessionId, state.Session.QuestionNumber, rate, _services.Detectors.Name, _services.Transcriber.Available, _services.Speaker.Available),
            VoiceJson.Default.ReadyEvent);

        // A reconnecting candidate hears the question that stands, not a new one: nothing is asked twice.
        var standing = state.Transcript.LastOrDefault(m => m.Role == MessageRoles.Interviewer);
        if (standing is null) return;
        await SendAsync(new QuestionEvent(standing.Content, standing.QuestionNumber, standing.Kind, !state.IsOpen), VoiceJson.Default.QuestionEvent);
        var reply = SpokenReply.For(_services, rate, Closed);
        if (reply is null) return;
        Enqueue(async () =>
        {
            using var _ = reply;
            await reply.SayAsync(standing.Content, Closed);
            reply.Release();
            await SpeakAsync(reply);
        });
    }

    private async Task EndTurnByClientAsync()
    {
        AudioEvent ended;
        lock (_sync)
        {
            if (_pipeline?.EndTurnByClient() is not { } byClient) return;
            ended = byClient;
        }

        await OnAudioEventAsync(ended);
    }

    /// <summary>A typed answer (or a skip) in the middle of a voice interview, answered with speech like any turn.</summary>
    private async Task TypedTurnAsync(string text, bool heard)
    {
        if (_pipeline is null) await BeginAsync(SampleRates.Pipeline);
        var input = new TurnInput(text, _time.GetTimestamp()) { Channel = LatencyChannels.Voice, Heard = heard };
        if (!TryEnqueue(async () =>
            {
                using var reply = SpokenReply.For(_services, _sampleRate, Closed);
                await AnswerAsync(input, reply);
            }))
        {
            await TooManyTurnsAsync();
        }
    }

    private async Task CompleteAsync()
    {
        await SendAsync(new MarkEvent("completed", AtMs(_pipeline?.SamplesReceived ?? 0)), VoiceJson.Default.MarkEvent);
        await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "interview completed", CancellationToken.None);
        _finished = true;
    }

    /// <summary>A turn refused because <see cref="VoiceOptions.MaxPendingTurns"/> are waiting: an <c>error</c> (429); nothing of it is stored.</summary>
    private Task TooManyTurnsAsync() =>
        SendAsync(new ErrorEvent(StatusCodes.Status429TooManyRequests, "Too many turns waiting",
            $"{_options.MaxPendingTurns} turns are already waiting for their replies (Voice:MaxPendingTurns), so this one was not taken; answer again once the replies have come."),
            VoiceJson.Default.ErrorEvent).AsTask();

    /// <summary>A bad message: an <c>error</c> event; the session and the socket carry on.</summary>
    private Task RefuseAsync(string detail) =>
        SendAsync(new ErrorEvent(StatusCodes.Status400BadRequest, "Bad message", detail), VoiceJson.Default.ErrorEvent).AsTask();

    private async Task FailAsync(int status, string title, string detail, WebSocketCloseStatus close)
    {
        await SendAsync(new ErrorEvent(status, title, detail), VoiceJson.Default.ErrorEvent);
        await _socket.CloseAsync(close, title, CancellationToken.None);
        _finished = true;
    }

    private ValueTask SendAsync<T>(T message, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type) => _socket.SendAsync(message, type, Closed);

    private static string ReasonOf(TurnEndReason reason) => reason switch
    {
        TurnEndReason.Silence => "silence",
        TurnEndReason.MaxDuration => "max_duration",
        _ => "client",
    };

    private static double AtMs(long sample) => Ms(TimeSpan.FromSeconds((double)sample / SampleRates.Pipeline));

    private static double Ms(TimeSpan value) => Math.Round(value.TotalMilliseconds, 1);

    public async ValueTask DisposeAsync()
    {
        await _lifetime.CancelAsync();
        await _pausedSending.DisposeAsync();
        await _stoppedSending.DisposeAsync();
        try
        {
            await _responding;
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException)
        {
        }

        lock (_sync)
        {
            _speculation?.Dispose();
            _pipeline?.Dispose();
        }

        _lifetime.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "A voice turn failed (Session {SessionId})")]
    private partial void LogFailed(Exception e, string sessionId);
}
