using System.Net.WebSockets;
using System.Runtime.InteropServices;

namespace Promptly.Load.Voice;

/// <summary>
/// One candidate of a voice load, as a real client behaves: a microphone that never stops (answer audio, then silence
/// while the server ends the turn and replies, a short pause, the next answer), paced by the shared
/// <see cref="FramePacer"/>. When an interview completes it starts another.
/// </summary>
/// <remarks>
/// The pacer's thread and the receive loop both move the stream along, under one lock: the sender takes frames, the
/// receive loop says when the reply is over. A stream never speaks over the interviewer, so barge-ins are not measured.
/// </remarks>
internal sealed class VoiceLoadStream(VoiceLoadPlan plan, InterviewDriver driver, FramePacer pacer, VoiceLoadRecorder recorder, TimeProvider time, int first)
    : IPacedStream
{
    // A reply not over within this long after the answer (a turn the detector missed, a server that fell silent) is
    // given up on, so the stream speaks again instead of waiting for ever.
    private static readonly TimeSpan ReplyPatience = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(1);

    private readonly Lock _sync = new();
    private VoiceConnection? _connection;
    private Mode _mode;
    private int _answer = first % plan.Answers.Count;
    private int _frame;
    private int _pauseLeft;
    private long _listeningSince;
    private long _answerEnded;
    private int _owed;
    private int _sending;

    private enum Mode
    {
        /// <summary>Silence while the server ends the turn and replies.</summary>
        Listening,

        /// <summary>Silence after the reply, before the next answer.</summary>
        Pausing,

        Speaking,
    }

    /// <summary>Interviews one after another until <paramref name="stop"/>; failures are counted and retried after a second.</summary>
    public async Task RunAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await InterviewAsync(stop);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (VoiceConnectException e)
            {
                await FailedAsync(e.Kind, stop);
            }
            catch (WebSocketException)
            {
                await FailedAsync("socket broken", stop);
            }
            catch (Exception e) when (RequestErrors.KindOf(e, stop) is { } kind)
            {
                await FailedAsync(kind, stop);
            }
        }
    }

    private async Task InterviewAsync(CancellationToken stop)
    {
        var (answer, session) = await driver.StartAsync(stop);
        if (session is null)
        {
            await FailedAsync(answer.Error ?? "start failed", stop);
            return;
        }

        recorder.SessionStarted();
        await using var connection = await VoiceConnection.ConnectAsync(driver.Server, session.Id, session.Token, stop);
        await connection.SendAsync(new VoiceMessage("start", plan.SampleRate), stop);
        Attach(connection);
        try
        {
            await ReceiveAsync(connection, stop);
        }
        finally
        {
            pacer.Remove(this);
            lock (_sync) _connection = null;
        }
    }

    private void Attach(VoiceConnection connection)
    {
        lock (_sync)
        {
            _connection = connection;
            // The greeting comes first: listen to it.
            _mode = Mode.Listening;
            _listeningSince = time.GetTimestamp();
            _owed = 0;
        }

        pacer.Add(this);
    }

    private async Task ReceiveAsync(VoiceConnection connection, CancellationToken stop)
    {
        var speaks = false;
        var turnOpen = false;
        var firstSignPending = false;
        while (true)
        {
            var received = await connection.ReceiveAsync(stop);
            if (received.IsClosed) return;
            if (received.Event is not { } e)
            {
                if (firstSignPending) ClientResponse();
                firstSignPending = false;
                continue;
            }

            switch (e.Type)
            {
                case "ready":
                    speaks = e.Speaks == true;
                    break;
                case "turn_ended":
                    recorder.TurnEnded(e.Reason ?? "?");
                    (turnOpen, firstSignPending) = (true, true);
                    break;
                case "question" when !speaks:
                    if (firstSignPending) ClientResponse();
                    firstSignPending = false;
                    // Without speech the greeting is over with its words; a turn's reply with its latency record.
                    if (!turnOpen) ReplyOver();
                    break;
                case "latency":
                    if (e.Latency is { } latency) recorder.Latency(latency, plan.SilenceMs);
                    if (!speaks) Over();
                    break;
                case "audio_end":
                    Over();
                    break;
                case "interrupted":
                    recorder.Interrupted();
                    Over();
                    break;
                case "error":
                    recorder.Error(e.Title ?? $"error {e.Status}");
                    Over();
                    break;
                case "completed":
                    recorder.Completed();
                    break;
            }
        }

        void Over()
        {
            ReplyOver();
            turnOpen = false;
            firstSignPending = false;
        }
    }

    private void ClientResponse()
    {
        long ended;
        lock (_sync) ended = _answerEnded;

        // The server ended the turn inside the answer (at a pause in it): there is no end of speech to count from.
        if (ended != 0) recorder.ClientResponse(time.GetElapsedTime(ended));
    }

    /// <summary>The reply is over: pause, then speak the next answer.</summary>
    private void ReplyOver()
    {
        lock (_sync)
        {
            if (_mode != Mode.Listening) return;
            _mode = Mode.Pausing;
            _pauseLeft = plan.PauseFrames;
        }
    }

    public void Tick(int frames)
    {
        var owed = Interlocked.Add(ref _owed, frames);
        if (owed > frames) recorder.Backlog(owed);
        if (Interlocked.CompareExchange(ref _sending, 1, 0) == 0) _ = SendOwedAsync();
    }

    /// <summary>
    /// Sends the frames owed; frames that fall due while the last one is sent go out in the same call. A send that does
    /// not complete leaves frames owed, which the recorder sees as the client's own lag.
    /// </summary>
    private async Task SendOwedAsync()
    {
        try
        {
            int owed;
            while ((owed = Interlocked.Exchange(ref _owed, 0)) > 0)
            {
                for (var i = 0; i < owed; i++)
                {
                    if (NextFrame() is not { } next) return;
                    await next.Connection.SendAudioAsync(next.Frame, CancellationToken.None);
                }
            }
        }
        catch (Exception e) when (e is WebSocketException or ObjectDisposedException or OperationCanceledException)
        {
            // The socket broke or the run is over: the receive loop ends the interview.
        }
        finally
        {
            // Frames owed in the meantime go out at the next tick.
            Volatile.Write(ref _sending, 0);
        }
    }

    private (VoiceConnection Connection, ReadOnlyMemory<byte> Frame)? NextFrame()
    {
        lock (_sync)
        {
            if (_connection is null) return null;
            switch (_mode)
            {
                case Mode.Speaking:
                    var frames = plan.Answers[_answer];
                    var frame = frames[_frame];
                    if (_frame == plan.SpeechEnds[_answer]) _answerEnded = time.GetTimestamp();
                    if (++_frame == frames.Length)
                    {
                        (_mode, _answer, _frame) = (Mode.Listening, (_answer + 1) % plan.Answers.Count, 0);
                        _listeningSince = time.GetTimestamp();
                    }

                    return (_connection, frame);
                case Mode.Pausing:
                    if (--_pauseLeft <= 0) (_mode, _answerEnded) = (Mode.Speaking, 0);
                    break;
                case Mode.Listening when time.GetElapsedTime(_listeningSince) > ReplyPatience:
                    recorder.Error("no reply in 60 s");
                    (_mode, _pauseLeft) = (Mode.Pausing, plan.PauseFrames);
                    break;
            }

            return (_connection, plan.Silence);
        }
    }

    private async Task FailedAsync(string kind, CancellationToken stop)
    {
        recorder.Error(kind);
        try
        {
            await Task.Delay(RetryAfter, time, stop);
        }
        catch (OperationCanceledException)
        {
        }
    }
}

/// <summary>The audio every stream of a voice load sends: the answers in 20 ms frames at <see cref="SampleRate"/>, silence, the pause after a reply.</summary>
/// <param name="SilenceMs">The server's <c>Voice:SilenceMs</c>, to tell its own delay from the silence it must wait.</param>
internal sealed record VoiceLoadPlan(IReadOnlyList<byte[][]> Answers, int SampleRate, int SilenceMs, int PauseFrames)
{
    // Below this peak a frame is the recording's own silence (espeak-ng ends its WAVs with a few hundred ms of it).
    private const short Quiet = 500;

    public byte[] Silence { get; } = new byte[SampleRate * VoiceTalk.FrameMs / 1000 * 2];

    /// <summary>
    /// Per answer, its last frame with speech in it: the client's view of a response counts from there, as the
    /// server's record counts from the end of speech, not from the end of the file.
    /// </summary>
    public int[] SpeechEnds { get; } = [.. Answers.Select(LastLoud)];

    private static int LastLoud(byte[][] frames)
    {
        for (var f = frames.Length - 1; f > 0; f--)
        {
            var samples = MemoryMarshal.Cast<byte, short>(frames[f]);
            foreach (var sample in samples) if (Math.Abs((int)sample) > Quiet) return f;
        }

        return 0;
    }
}
