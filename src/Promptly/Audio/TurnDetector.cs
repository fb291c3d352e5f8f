namespace Promptly.Audio;

/// <summary>
/// Decides where a candidate's turn starts, pauses and ends from one speech probability per frame, on the audio's own
/// clock: every position is a count of 16 kHz samples, and time passes only as frames are fed. Nothing polls and
/// nothing here reads a wall clock, so a test may stream an hour of audio in a second and see the same events.
/// </summary>
/// <remarks>
/// Waiting for speech, then in speech, then in a pause (back to speech, or on to the turn's end). After the turn ends
/// it reports no turn events until <see cref="NextTurn"/>, except <see cref="AudioEventKind.SpeechStarted"/> when the
/// candidate talks over the answer (once per stretch of speech), so the transport can stop speaking. A frame allocates
/// nothing. One per stream; not thread-safe.
/// </remarks>
internal sealed class TurnDetector
{
    private readonly int _frame;
    private readonly float _startThreshold;
    private readonly float _endThreshold;
    private readonly long _minSpeech;
    private readonly long _pause;
    private readonly long _silence;
    private readonly long _minTurn;
    private readonly long _maxTurn;

    private State _state;
    private long _candidateStart = -1;
    private long _speechStart = -1;
    private long _lastVoiced;
    private bool _pauseReported;
    private bool _voiced;
    private bool _bargedIn;

    public TurnDetector(TurnDetectionOptions options, int frameSamples)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(frameSamples);
        if (options.EndThreshold > options.StartThreshold) throw new ArgumentException($"EndThreshold ({options.EndThreshold}) must not exceed StartThreshold ({options.StartThreshold}).", nameof(options));
        _frame = frameSamples;
        _startThreshold = options.StartThreshold;
        _endThreshold = options.EndThreshold;
        _minSpeech = TurnDetectionOptions.Samples(options.MinSpeechMs);
        _pause = TurnDetectionOptions.Samples(options.PauseMs);
        _silence = TurnDetectionOptions.Samples(options.SilenceMs);
        _minTurn = TurnDetectionOptions.Samples(options.MinTurnMs);
        _maxTurn = TurnDetectionOptions.Samples(options.MaxTurnSeconds * 1000L);
    }

    private enum State
    {
        Waiting,
        Speaking,
        Pausing,
        Ended,
    }

    /// <summary>The end of the last frame fed: the audio clock.</summary>
    public long Position { get; private set; }

    /// <summary>Whether speech is being heard now: in a turn, or over the answer after one.</summary>
    public bool InSpeech => _voiced;

    public bool TurnEnded => _state == State.Ended;

    /// <summary>Where the current turn's speech started (or the speech over the answer, once the turn ended); -1 when none.</summary>
    public long SpeechStart => _speechStart;

    /// <summary>Takes the next frame's speech probability; appends what it changed to <paramref name="events"/>.</summary>
    public void Feed(float probability, List<AudioEvent> events)
    {
        var frameStart = Position;
        Position += _frame;
        switch (_state)
        {
            case State.Waiting:
                if (SpeechBegan(probability, frameStart))
                {
                    _state = State.Speaking;
                    _pauseReported = false;
                    events.Add(new AudioEvent(AudioEventKind.SpeechStarted, _speechStart));
                }

                break;
            case State.Speaking when probability >= _endThreshold:
                _lastVoiced = Position;
                // A pause reported while speaking is the client's (it had stopped sending): its audio resumes it.
                if (_pauseReported) events.Add(new AudioEvent(AudioEventKind.SpeechResumed, frameStart));
                _pauseReported = false;
                break;
            case State.Speaking:
                _state = State.Pausing;
                _voiced = false;
                Silent(events);
                break;
            case State.Pausing when probability >= _startThreshold:
                _state = State.Speaking;
                _voiced = true;
                _lastVoiced = Position;
                if (_pauseReported) events.Add(new AudioEvent(AudioEventKind.SpeechResumed, frameStart));
                _pauseReported = false;
                break;
            case State.Pausing:
                Silent(events);
                break;
            case State.Ended:
                OverTheAnswer(probability, frameStart, events);
                break;
        }

        if (_state is State.Speaking or State.Pausing && Position - _speechStart >= _maxTurn) End(TurnEndReason.MaxDuration, events);
    }

    /// <summary>
    /// Ends the turn now, heard speech or not (the client said it is done, or stopped sending); null when it had
    /// already ended.
    /// </summary>
    /// <param name="now">The audio clock, which may be past <see cref="Position"/> by part of a frame; where a turn with no speech ends.</param>
    public AudioEvent? EndByClient(long now)
    {
        if (_state == State.Ended) return null;
        var sample = _state == State.Waiting ? Math.Max(now, Position) : _lastVoiced;
        _state = State.Ended;
        ClearSpeech();
        return new AudioEvent(AudioEventKind.TurnEnded, sample, TurnEndReason.Client);
    }

    /// <summary>
    /// Reports the turn's pause now, as <see cref="Feed"/> does after <see cref="TurnDetectionOptions.PauseMs"/> of
    /// silence (the client stopped sending in the middle of speech, so no silence comes to be fed); null when no turn is
    /// under way or its pause was reported already. Audio that is voiced again resumes it.
    /// </summary>
    public AudioEvent? PauseByClient()
    {
        if (_state is not (State.Speaking or State.Pausing) || _pauseReported) return null;
        _pauseReported = true;
        return new AudioEvent(AudioEventKind.Paused, _lastVoiced);
    }

    /// <summary>
    /// Listens for the next turn. Speech that started over the answer and is still going on (or paused for less than
    /// the silence that would end it) becomes the new turn's start; otherwise it waits for speech.
    /// </summary>
    public void NextTurn()
    {
        var continuing = _state == State.Ended && _bargedIn;
        _bargedIn = false;
        _pauseReported = false;
        if (continuing)
        {
            _state = _voiced ? State.Speaking : State.Pausing;
            return;
        }

        _state = State.Waiting;
        ClearSpeech();
    }

    private void Silent(List<AudioEvent> events)
    {
        var silence = Position - _lastVoiced;
        if (!_pauseReported && silence >= _pause)
        {
            _pauseReported = true;
            events.Add(new AudioEvent(AudioEventKind.Paused, _lastVoiced));
        }

        if (silence >= _silence && Position - _speechStart >= _minTurn) End(TurnEndReason.Silence, events);
    }

    private void End(TurnEndReason reason, List<AudioEvent> events)
    {
        events.Add(new AudioEvent(AudioEventKind.TurnEnded, _lastVoiced, reason));
        _state = State.Ended;
        ClearSpeech();
    }

    // After a turn ends, speech is still watched for (talking over the answer) but never ends or pauses anything.
    private void OverTheAnswer(float probability, long frameStart, List<AudioEvent> events)
    {
        if (!_bargedIn)
        {
            if (!SpeechBegan(probability, frameStart)) return;
            _bargedIn = true;
            events.Add(new AudioEvent(AudioEventKind.SpeechStarted, _speechStart));
        }
        else if (probability >= (_voiced ? _endThreshold : _startThreshold))
        {
            _voiced = true;
            _lastVoiced = Position;
        }
        else
        {
            _voiced = false;
            // Quiet long enough to have ended a turn: the next speech over the answer is reported again.
            if (Position - _lastVoiced >= _silence)
            {
                _bargedIn = false;
                ClearSpeech();
            }
        }
    }

    // Speech begins once frames at or above the start threshold, then not below the end threshold, have lasted
    // MinSpeechMs; the start is the first of them.
    private bool SpeechBegan(float probability, long frameStart)
    {
        if (_candidateStart < 0)
        {
            if (probability < _startThreshold) return false;
            _candidateStart = frameStart;
        }
        else if (probability < _endThreshold)
        {
            _candidateStart = -1;
            return false;
        }

        if (Position - _candidateStart < _minSpeech) return false;
        _speechStart = _candidateStart;
        _candidateStart = -1;
        _lastVoiced = Position;
        _voiced = true;
        return true;
    }

    private void ClearSpeech()
    {
        _candidateStart = -1;
        _speechStart = -1;
        _voiced = false;
    }
}
