namespace Promptly.Audio;

/// <summary>
/// One voice stream's audio, from the client's PCM16 bytes to turn events and the turn's 16 kHz samples: decodes,
/// resamples to <see cref="SampleRates.Pipeline"/>, cuts frames for the voice activity detector, feeds its
/// probabilities to the <see cref="TurnDetector"/> and keeps the turn's audio in a <see cref="TurnAudio"/>.
/// </summary>
/// <remarks>
/// Everything runs on the audio clock (<see cref="SamplesReceived"/>), so it behaves the same whether audio arrives in
/// real time or all at once. After a turn ends, audio is still checked for speech (the candidate talking over the
/// answer is reported as <see cref="AudioEventKind.SpeechStarted"/>) but nothing is added to the ended turn; call
/// <see cref="NextTurn"/> once the turn's samples are taken. Buffers are allocated once here, so a write allocates
/// nothing besides what the events list may grow by. Owns the detector it is given. One per stream; not thread-safe.
/// </remarks>
internal sealed class AudioPipeline : IDisposable
{
    // Bytes decoded at a time, so a write of any size runs through fixed scratch buffers.
    private const int ChunkBytes = 8192;

    // How long after the write that reported speech over the answer the transport may take to call NextTurn with
    // that speech's first syllable still held: longer than a client's largest message.
    private const int BargeInSlackMs = 1000;

    private readonly Pcm16Decoder _decoder = new();
    private readonly Resampler _resampler;
    private readonly IVoiceActivityDetector _vad;
    private readonly TurnDetector _turn;
    private readonly TurnAudio _audio;
    private readonly short[] _input = new short[Pcm16Decoder.MaxSamples(ChunkBytes)];
    private readonly short[] _resampled;
    private readonly short[] _frame;
    private readonly float[] _frameFloats;
    private readonly long _preroll;
    private int _frameFill;

    public AudioPipeline(int inputRate, IVoiceActivityDetector vad, TurnDetectionOptions options)
    {
        if (!SampleRates.IsAccepted(inputRate))
        {
            throw new ArgumentOutOfRangeException(nameof(inputRate), inputRate, $"Sample rate {inputRate} Hz is not accepted; use one of {string.Join(", ", SampleRates.Accepted)}.");
        }

        InputRate = inputRate;
        _vad = vad;
        _resampler = new Resampler(inputRate, SampleRates.Pipeline);
        _resampled = new short[_resampler.MaxOutput(_input.Length)];
        var frame = vad.FrameSamples;
        _frame = new short[frame];
        _frameFloats = new float[frame];
        _turn = new TurnDetector(options, frame);
        _preroll = TurnDetectionOptions.Samples(options.PrerollMs);

        // Speech is known to have started a whole number of frames after it did, at least MinSpeechMs.
        var detectionDelay = (TurnDetectionOptions.Samples(options.MinSpeechMs) / frame + 2) * frame;
        var history = _preroll + detectionDelay + TurnDetectionOptions.Samples(BargeInSlackMs);
        var cap = TurnDetectionOptions.Samples(options.MaxTurnSeconds * 1000L) + _preroll + frame;
        _audio = new TurnAudio((int)history, (int)Math.Min(cap, Array.MaxLength));
    }

    public int InputRate { get; }

    /// <summary>The audio clock: samples at 16 kHz received since the stream began.</summary>
    public long SamplesReceived => _audio.Position;

    /// <summary>Whether speech is being heard now.</summary>
    public bool InSpeech => _turn.InSpeech;

    public bool TurnEnded => _turn.TurnEnded;

    /// <summary>The turn so far (or the ended turn, until <see cref="NextTurn"/>) at 16 kHz; valid until the next call on this pipeline.</summary>
    public ReadOnlyMemory<short> TurnSamples => _audio.Memory;

    /// <summary>Where on the audio clock <see cref="TurnSamples"/> begins (a preroll before the speech); -1 when no turn has audio.</summary>
    public long TurnStartSample => _audio.StartSample;

    public TimeSpan ToTime(long samples) => TimeSpan.FromTicks(samples * (TimeSpan.TicksPerSecond / SampleRates.Pipeline));

    /// <summary>Takes the next PCM16 little-endian bytes at <see cref="InputRate"/>, cut anywhere; appends the events they caused to <paramref name="events"/>.</summary>
    public void Write(ReadOnlySpan<byte> pcmLittleEndian, List<AudioEvent> events)
    {
        while (!pcmLittleEndian.IsEmpty)
        {
            var piece = pcmLittleEndian[..Math.Min(pcmLittleEndian.Length, ChunkBytes)];
            pcmLittleEndian = pcmLittleEndian[piece.Length..];
            var decoded = _decoder.Decode(piece, _input);
            var resampled = _resampler.Process(_input.AsSpan(0, decoded), _resampled);
            Frames(_resampled.AsSpan(0, resampled), events);
        }
    }

    /// <summary>Reports the turn's pause now (the client stopped sending mid-speech); null when there is none to report.</summary>
    public AudioEvent? PauseTurnByClient() => _turn.PauseByClient();

    /// <summary>Ends the turn now (the client said so, or stopped sending); null when it had already ended.</summary>
    public AudioEvent? EndTurnByClient()
    {
        var ended = _turn.EndByClient(SamplesReceived);
        if (ended is not null) _audio.End();
        return ended;
    }

    /// <summary>
    /// Drops the turn's audio and listens for the next turn, keeping the detector's knowledge of the stream. Speech
    /// already going on over the answer starts the new turn, preroll included.
    /// </summary>
    public void NextTurn()
    {
        _audio.Clear();
        _turn.NextTurn();
        if (!_turn.TurnEnded && _turn.SpeechStart >= 0) _audio.Begin(_turn.SpeechStart - _preroll);
    }

    public void Dispose()
    {
        _audio.Dispose();
        _vad.Dispose();
    }

    private void Frames(ReadOnlySpan<short> samples, List<AudioEvent> events)
    {
        while (!samples.IsEmpty)
        {
            var part = samples[..Math.Min(samples.Length, _frame.Length - _frameFill)];
            samples = samples[part.Length..];
            part.CopyTo(_frame.AsSpan(_frameFill));
            _audio.Append(part);
            _frameFill += part.Length;
            if (_frameFill < _frame.Length) return;

            _frameFill = 0;
            Pcm16.ToFloat(_frame, _frameFloats);
            var probability = _vad.SpeechProbability(_frameFloats);
            var wasEnded = _turn.TurnEnded;
            var first = events.Count;
            _turn.Feed(probability, events);
            for (var i = first; i < events.Count; i++)
            {
                if (events[i].Kind == AudioEventKind.SpeechStarted && !wasEnded) _audio.Begin(events[i].Sample - _preroll);
                if (events[i].Kind == AudioEventKind.TurnEnded) _audio.End();
            }
        }
    }
}
