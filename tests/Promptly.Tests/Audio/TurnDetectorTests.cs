using Promptly.Audio;

namespace Promptly.Tests.Audio;

/// <summary>The turn state machine fed probabilities directly, one per 32 ms frame (512 samples), on the audio clock.</summary>
public sealed class TurnDetectorTests
{
    private const int Frame = 512;
    private static readonly TurnDetectionOptions Defaults = new();
    private readonly List<AudioEvent> _events = [];

    private static long Ms(long ms) => TurnDetectionOptions.Samples(ms);

    private static int Frames(int ms) => (int)Math.Ceiling(Ms(ms) / (double)Frame);

    private void Feed(TurnDetector detector, float probability, int ms)
    {
        for (var i = 0; i < Frames(ms); i++) detector.Feed(probability, _events);
    }

    [Fact]
    public void Feed_SpeechLongerThanMinSpeech_StartsAtItsFirstFrame()
    {
        var detector = new TurnDetector(Defaults, Frame);

        Feed(detector, 0.02f, 320);
        Feed(detector, 0.9f, 200);

        var started = Assert.Single(_events);
        Assert.Equal(new AudioEvent(AudioEventKind.SpeechStarted, 10 * Frame), started);
        Assert.True(detector.InSpeech);
    }

    [Fact]
    public void Feed_ClickShorterThanMinSpeech_IsNotSpeech()
    {
        var detector = new TurnDetector(Defaults, Frame);

        Feed(detector, 0.02f, 320);
        Feed(detector, 0.99f, 64);
        Feed(detector, 0.02f, 2000);

        Assert.Empty(_events);
        Assert.False(detector.InSpeech);
    }

    [Fact]
    public void Feed_ProbabilityBetweenThresholds_KeepsSpeechGoingButDoesNotStartIt()
    {
        var detector = new TurnDetector(Defaults, Frame);

        Feed(detector, 0.4f, 2000);
        Assert.Empty(_events);

        Feed(detector, 0.9f, 100);
        Feed(detector, 0.4f, 3000);
        Assert.Equal([AudioEventKind.SpeechStarted], _events.Select(e => e.Kind));
    }

    [Fact]
    public void Feed_PauseShorterThanSilenceMs_PausesAndResumesWithoutEndingTheTurn()
    {
        var detector = new TurnDetector(Defaults, Frame);

        Feed(detector, 0.9f, 1000);
        var lastVoiced = detector.Position;
        Feed(detector, 0.05f, 400);
        var resumed = detector.Position;
        Feed(detector, 0.9f, 500);

        Assert.Equal(
            [new(AudioEventKind.SpeechStarted, 0), new(AudioEventKind.Paused, lastVoiced), new(AudioEventKind.SpeechResumed, resumed)],
            _events);
        Assert.False(detector.TurnEnded);
    }

    [Fact]
    public void Feed_SilenceMsAfterSpeech_EndsTheTurnThatLongAfterTheLastVoicedFrame()
    {
        var detector = new TurnDetector(Defaults, Frame);

        Feed(detector, 0.9f, 1500);
        var lastVoiced = detector.Position;
        long? endedAt = null;
        for (var i = 0; i < Frames(2000) && endedAt is null; i++)
        {
            detector.Feed(0.05f, _events);
            if (_events[^1].Kind == AudioEventKind.TurnEnded) endedAt = detector.Position;
        }

        Assert.Equal(new AudioEvent(AudioEventKind.TurnEnded, lastVoiced, TurnEndReason.Silence), _events[^1]);
        Assert.InRange(endedAt!.Value - lastVoiced, Ms(800), Ms(800) + Frame);
        Assert.True(detector.TurnEnded);
        Assert.False(detector.InSpeech);
    }

    [Fact]
    public void Feed_ShortAnswerThenSilence_EndsOnlyOnceMinTurnMsHasPassed()
    {
        var detector = new TurnDetector(Defaults with { SilenceMs = 500, MinTurnMs = 1500 }, Frame);

        Feed(detector, 0.9f, 200);
        var ended = -1L;
        for (var i = 0; i < Frames(3000) && ended < 0; i++)
        {
            detector.Feed(0.05f, _events);
            if (detector.TurnEnded) ended = detector.Position;
        }

        // Silence would have ended it at about 700 ms; the minimum turn holds it to 1500 ms after the speech began.
        Assert.Equal(TurnEndReason.Silence, _events[^1].Reason);
        Assert.InRange(ended, Ms(1500), Ms(1500) + Frame);
    }

    [Fact]
    public void Feed_SpeechBeyondMaxTurnSeconds_EndsWithMaxDuration()
    {
        var detector = new TurnDetector(Defaults with { MaxTurnSeconds = 3 }, Frame);

        Feed(detector, 0.9f, 5000);

        Assert.Equal([AudioEventKind.SpeechStarted, AudioEventKind.TurnEnded, AudioEventKind.SpeechStarted], _events.Select(e => e.Kind));
        Assert.Equal(TurnEndReason.MaxDuration, _events[1].Reason);
        Assert.InRange(_events[1].Sample, Ms(3000), Ms(3000) + Frame);
    }

    [Fact]
    public void Feed_AfterTheTurnEnded_ReportsOnlySpeechOverTheAnswer()
    {
        var detector = new TurnDetector(Defaults, Frame);
        Feed(detector, 0.9f, 1200);
        Feed(detector, 0.05f, 1000);
        Assert.True(detector.TurnEnded);
        _events.Clear();

        Feed(detector, 0.05f, 5000);
        Assert.Empty(_events);
        var bargeIn = detector.Position;
        Feed(detector, 0.9f, 600);
        Feed(detector, 0.05f, 500);
        Feed(detector, 0.9f, 600);
        Feed(detector, 0.05f, 3000);

        // One stretch of speech (its pause shorter than SilenceMs): reported once, and nothing pauses or ends.
        Assert.Equal([new AudioEvent(AudioEventKind.SpeechStarted, bargeIn)], _events);
    }

    [Fact]
    public void NextTurn_DuringSpeechOverTheAnswer_ContinuesItAsTheNewTurn()
    {
        var detector = new TurnDetector(Defaults, Frame);
        Feed(detector, 0.9f, 1200);
        Feed(detector, 0.05f, 1000);
        var bargeIn = detector.Position;
        Feed(detector, 0.9f, 300);
        _events.Clear();

        detector.NextTurn();
        Assert.Equal(bargeIn, detector.SpeechStart);
        Assert.False(detector.TurnEnded);
        Feed(detector, 0.9f, 1000);
        Feed(detector, 0.05f, 1000);

        Assert.Equal([AudioEventKind.Paused, AudioEventKind.TurnEnded], _events.Select(e => e.Kind));
    }

    [Fact]
    public void NextTurn_AfterQuiet_WaitsForSpeechAgain()
    {
        var detector = new TurnDetector(Defaults, Frame);
        Feed(detector, 0.9f, 1200);
        Feed(detector, 0.05f, 1000);
        _events.Clear();

        detector.NextTurn();
        Feed(detector, 0.05f, 3000);
        Assert.Empty(_events);
        var start = detector.Position;
        Feed(detector, 0.9f, 200);

        Assert.Equal([new AudioEvent(AudioEventKind.SpeechStarted, start)], _events);
    }

    [Fact]
    public void EndByClient_WithOrWithoutSpeech_EndsOnce()
    {
        var silent = new TurnDetector(Defaults, Frame);
        Feed(silent, 0.05f, 500);
        Assert.Equal(new AudioEvent(AudioEventKind.TurnEnded, silent.Position, TurnEndReason.Client), silent.EndByClient(silent.Position));
        Assert.Null(silent.EndByClient(silent.Position));

        var speaking = new TurnDetector(Defaults, Frame);
        Feed(speaking, 0.9f, 500);
        var lastVoiced = speaking.Position;
        Feed(speaking, 0.05f, 100);
        Assert.Equal(new AudioEvent(AudioEventKind.TurnEnded, lastVoiced, TurnEndReason.Client), speaking.EndByClient(speaking.Position));
        Assert.True(speaking.TurnEnded);
    }

    [Fact]
    public void PauseByClient_MidSpeech_ReportsOnceAndVoicedAudioResumesIt()
    {
        var detector = new TurnDetector(Defaults, Frame);
        Assert.Null(detector.PauseByClient());

        Feed(detector, 0.9f, 1000);
        var lastVoiced = detector.Position;
        Assert.Equal(new AudioEvent(AudioEventKind.Paused, lastVoiced), detector.PauseByClient());
        Assert.Null(detector.PauseByClient());

        // The client sends again and is still speaking: that resumes the pause, and the next one is reported as usual.
        var resumed = detector.Position;
        Feed(detector, 0.9f, 200);
        var voicedAgain = detector.Position;
        Feed(detector, 0.05f, 400);

        Assert.Equal(
            [new(AudioEventKind.SpeechStarted, 0), new(AudioEventKind.SpeechResumed, resumed), new(AudioEventKind.Paused, voicedAgain)],
            _events);
        Assert.False(detector.TurnEnded);
    }

    [Fact]
    public void PauseByClient_AfterTheAudioClocksOwnPause_ReportsNothing()
    {
        var detector = new TurnDetector(Defaults, Frame);
        Feed(detector, 0.9f, 1000);
        Feed(detector, 0.05f, 400);

        Assert.Null(detector.PauseByClient());
        Assert.Equal([AudioEventKind.SpeechStarted, AudioEventKind.Paused], _events.Select(e => e.Kind));
    }

    [Fact]
    public void Feed_ManyFrames_AllocatesNothing()
    {
        var detector = new TurnDetector(Defaults, Frame);
        var events = new List<AudioEvent>(16);
        detector.Feed(0.9f, events);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 10_000; i++)
        {
            detector.Feed(i % 200 < 120 ? 0.9f : 0.05f, events);
            if (detector.TurnEnded) detector.NextTurn();
            events.Clear();
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
