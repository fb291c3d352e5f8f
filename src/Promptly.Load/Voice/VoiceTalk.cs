using System.Runtime.InteropServices;
using System.Threading.Channels;

namespace Promptly.Load.Voice;

/// <summary>
/// One spoken interview from recorded answers, as <c>promptly talk</c> holds it: <c>start</c>, the greeting, then for
/// each answer its audio in 20 ms frames followed by silence until the server ends the turn (a microphone keeps
/// sending), the reply read to its end, and <c>end_interview</c> when the answers run out.
/// </summary>
/// <remarks>
/// Frames are paced in real time on <see cref="TimeProvider"/>, or sent as fast as the socket takes them (<c>fast</c>).
/// A receive loop copies the server's messages into a channel, so sending never waits on reading.
/// </remarks>
internal sealed class VoiceTalk
{
    public const int FrameMs = 20;

    /// <summary>How long to wait for the server's next message before giving up on it.</summary>
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    // Fast mode stops sending silence after this much: enough for any Voice:SilenceMs the server is likely to use, and
    // a server whose client stopped sending ends the turn on its own clock anyway.
    private static readonly TimeSpan FastSilence = TimeSpan.FromSeconds(5);

    // With no speech heard after this much silence, the voice activity detector missed the answer: end the turn by hand.
    private static readonly TimeSpan UnheardSilence = TimeSpan.FromSeconds(3);

    // A turn with speech that silence has not ended after this long (a server with a very long Voice:SilenceMs) is ended by hand.
    private static readonly TimeSpan LongestSilence = TimeSpan.FromSeconds(15);

    private readonly VoiceConnection _connection;
    private readonly int _rate;
    private readonly bool _fast;
    private readonly TimeProvider _time;
    private readonly Channel<Message> _messages = Channel.CreateUnbounded<Message>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
    private readonly byte[] _silence;
    private bool _speaks;

    /// <param name="rate">The rate sent in <c>start</c>; every answer must be at it.</param>
    public VoiceTalk(VoiceConnection connection, int rate, bool fast, TimeProvider time)
    {
        _connection = connection;
        _rate = rate;
        _fast = fast;
        _time = time;
        _silence = new byte[rate * FrameMs / 1000 * 2];
    }

    /// <summary>
    /// Holds the interview: <paramref name="onReply"/> gets the greeting and each reply as it ends. Stops early when the
    /// interview is done before the answers run out.
    /// </summary>
    /// <exception cref="CommandException">The server closed the socket, broke it, or fell silent.</exception>
    public async Task RunAsync(IReadOnlyList<WavAudio> answers, Action<TalkReply> onReply, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var receiving = ReceiveAsync(stop.Token);
        try
        {
            await _connection.SendAsync(new VoiceMessage("start", _rate), cancellationToken);
            var ready = await NextEventAsync(cancellationToken);
            if (ready.Type != "ready") throw Unexpected(ready, "ready");
            _speaks = ready.Speaks == true;

            var greeting = await ReadReplyAsync(0, null, null, expectLatency: false, cancellationToken);
            onReply(greeting);
            var done = greeting.Done;
            for (var i = 0; i < answers.Count && !done; i++)
            {
                var (heard, endedBy) = await SpeakAsync(answers[i], cancellationToken);
                var reply = await ReadReplyAsync(i + 1, heard, endedBy, expectLatency: true, cancellationToken);
                onReply(reply);
                done = reply.Done;
            }

            if (!done) await _connection.SendAsync(new VoiceMessage("end_interview"), cancellationToken);
            await WaitCompletedAsync(cancellationToken);
        }
        finally
        {
            await stop.CancelAsync();
            await receiving;
        }
    }

    /// <summary>Sends one answer and silence after it until the server ends the turn; the transcript if one came first.</summary>
    private async Task<(string? Heard, string EndedBy)> SpeakAsync(WavAudio answer, CancellationToken cancellationToken)
    {
        using var ended = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var speechHeard = false;
        var sending = SendAnswerAsync(answer.Frames(FrameMs), () => Volatile.Read(ref speechHeard), ended.Token);
        string? heard = null;
        try
        {
            while (true)
            {
                var e = await NextEventAsync(cancellationToken);
                if (e.Type == "speech_started") Volatile.Write(ref speechHeard, true);
                else if (e.Type == "transcript") heard = e.Text;
                else if (e.Type == "error") throw Closed(e);
                else if (e.Type == "turn_ended") return (heard, e.Reason ?? "?");
            }
        }
        finally
        {
            await ended.CancelAsync();
            await sending;
        }
    }

    /// <summary>
    /// The answer's frames, then silence until cancelled, as a microphone would; <c>end_turn</c> when silence does not
    /// end the turn. Fast mode sends a few seconds of silence at once and then waits: a server whose client stops
    /// sending ends the turn on its own clock.
    /// </summary>
    private async Task SendAnswerAsync(byte[][] frames, Func<bool> speechHeard, CancellationToken ended)
    {
        var start = _time.GetTimestamp();
        var fastSilenceFrames = (long)(FastSilence.TotalMilliseconds / FrameMs);
        try
        {
            for (var i = 0; i < frames.Length; i++)
            {
                await PaceAsync(i, start, ended);
                await _connection.SendAudioAsync(frames[i], ended);
            }

            var answerSent = _time.GetTimestamp();
            for (long i = frames.Length; ; i++)
            {
                // On the wall clock, not in frames sent: in fast mode the server has not even read them yet.
                if (_time.GetElapsedTime(answerSent) > (speechHeard() ? LongestSilence : UnheardSilence))
                {
                    await _connection.SendAsync(new VoiceMessage("end_turn"), ended);
                    return;
                }

                if (_fast && i - frames.Length >= fastSilenceFrames)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(FrameMs), _time, ended);
                    continue;
                }

                await PaceAsync(i, start, ended);
                await _connection.SendAudioAsync(_silence, ended);
            }
        }
        catch (OperationCanceledException) when (ended.IsCancellationRequested)
        {
            // The turn ended: the microphone stops here.
        }
    }

    /// <summary>Waits until frame <paramref name="frame"/> is due in real time; not at all in fast mode.</summary>
    private async Task PaceAsync(long frame, long start, CancellationToken cancellationToken)
    {
        if (_fast) return;
        var due = TimeSpan.FromMilliseconds(frame * FrameMs) - _time.GetElapsedTime(start);
        if (due > TimeSpan.Zero) await Task.Delay(due, _time, cancellationToken);
    }

    /// <summary>Reads the reply to a turn (or the greeting) to its end: the question, the latency record, the audio.</summary>
    private async Task<TalkReply> ReadReplyAsync(int turn, string? heard, string? endedBy, bool expectLatency, CancellationToken cancellationToken)
    {
        string? question = null;
        var number = 0;
        var done = false;
        VoiceLatency? latency = null;
        var audio = new List<short>();
        var errors = new List<string>();
        var audioOver = !_speaks;
        while (true)
        {
            var message = await NextAsync(cancellationToken);
            if (message.Audio is { } pcm)
            {
                audio.AddRange(MemoryMarshal.Cast<byte, short>(pcm));
                continue;
            }

            var e = message.Event!;
            switch (e.Type)
            {
                case "transcript":
                    heard = e.Text;
                    break;
                case "question":
                    (question, number, done) = (e.Text, e.QuestionNumber ?? 0, e.Done == true);
                    break;
                case "latency":
                    latency = e.Latency;
                    break;
                case "audio_end" or "interrupted":
                    audioOver = true;
                    break;
                case "error":
                    errors.Add($"{e.Status} {e.Title}: {e.Detail}");
                    // Before the question, the turn failed and the question stands; after it, speech failed and the reply is text only.
                    audioOver = true;
                    break;
                case "completed":
                    throw new CommandException(ExitCodes.Unavailable, "The server completed the interview in the middle of a reply.");
            }

            var answered = question is not null && (latency is not null || !expectLatency) || question is null && errors.Count > 0;
            if (answered && audioOver) return new TalkReply(turn, number, heard, question, done, latency, [.. audio], errors, endedBy);
        }
    }

    private async Task WaitCompletedAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var message = await NextAsync(cancellationToken, closedIsEnd: true);
            if (message.Event is null && message.Audio is null || message.Event?.Type == "completed") return;
            if (message.Event?.Type == "error") throw Closed(message.Event);
        }
    }

    private async Task<VoiceEvent> NextEventAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            if ((await NextAsync(cancellationToken)).Event is { } e) return e;
        }
    }

    /// <summary>The next message; with <paramref name="closedIsEnd"/> a closed socket is an empty message rather than a failure.</summary>
    private async Task<Message> NextAsync(CancellationToken cancellationToken, bool closedIsEnd = false)
    {
        using var patience = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        patience.CancelAfter(Patience);
        try
        {
            if (await _messages.Reader.WaitToReadAsync(patience.Token) && _messages.Reader.TryRead(out var message)) return message;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new CommandException(ExitCodes.Unavailable, $"The server sent nothing for {Patience.TotalSeconds:0} s.");
        }
        catch (ChannelClosedException e) when (e.InnerException is { } failure)
        {
            throw new CommandException(ExitCodes.Unavailable, $"The voice socket broke: {failure.Message}", failure);
        }

        if (closedIsEnd) return default;
        throw new CommandException(ExitCodes.Unavailable, "The server closed the voice socket.");
    }

    /// <summary>Copies every message into the channel (audio too: the receive buffer is reused), until the socket closes.</summary>
    private async Task ReceiveAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                var received = await _connection.ReceiveAsync(cancellationToken);
                if (received.IsClosed) break;
                _messages.Writer.TryWrite(received.Event is { } e ? new Message(e, null) : new Message(null, received.Audio.ToArray()));
            }

            _messages.Writer.TryComplete();
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            _messages.Writer.TryComplete();
        }
        catch (Exception e)
        {
            _messages.Writer.TryComplete(e);
        }
    }

    private static CommandException Closed(VoiceEvent error) =>
        new(error.Status == 400 ? ExitCodes.Usage : ExitCodes.Unavailable, $"The server refused: {error.Status} {error.Title}: {error.Detail}");

    private static CommandException Unexpected(VoiceEvent e, string expected) =>
        e.Type == "error" ? Closed(e) : new CommandException(ExitCodes.Unavailable, $"Expected '{expected}' from the server, got '{e.Type}'.");

    private readonly record struct Message(VoiceEvent? Event, byte[]? Audio);
}
