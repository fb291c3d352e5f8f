using Promptly.Audio;
using Promptly.Tests.Support;

namespace Promptly.Tests.Audio;

public sealed class AudioPipelineTests
{
    private const int Frame = 512;
    private static readonly TurnDetectionOptions Defaults = new();

    private static long Ms(long ms) => TurnDetectionOptions.Samples(ms);

    /// <summary>An event and the audio clock after the write that reported it.</summary>
    private sealed record Heard(AudioEvent Event, long Clock);

    /// <summary>Writes <paramref name="track"/> at the pipeline's input rate, in writes of the given byte counts, cycled.</summary>
    private static List<Heard> Stream(AudioPipeline pipeline, short[] track, params int[] writeBytes)
    {
        var bytes = Signals.ToBytes(track);
        var heard = new List<Heard>();
        var events = new List<AudioEvent>();
        for (int at = 0, i = 0; at < bytes.Length; i++)
        {
            var size = Math.Min(writeBytes[i % writeBytes.Length], bytes.Length - at);
            pipeline.Write(bytes.AsSpan(at, size), events);
            heard.AddRange(events.Select(e => new Heard(e, pipeline.SamplesReceived)));
            events.Clear();
            at += size;
        }

        return heard;
    }

    /// <summary>A spoken answer stood in by tones: 1 s, a 400 ms pause, 700 ms, then 1.5 s of quiet, then 600 ms over the answer.</summary>
    private static short[] ToneAnswer(int rate) => Signals.Concat(
        Signals.Silence(rate, 0.5), Signals.Sine(220, rate, 1.0, 0.3), Signals.Silence(rate, 0.4), Signals.Sine(330, rate, 0.7, 0.3),
        Signals.Silence(rate, 1.5), Signals.Sine(250, rate, 0.6, 0.3), Signals.Silence(rate, 1.0));

    private static int BytesFor(int rate, int ms) => rate * ms / 1000 * 2;

    [Fact]
    public void Write_FramesOfAnySizeAndOddByteCounts_SameEventsAsOneWrite()
    {
        var track = ToneAnswer(16000);
        using var whole = new AudioPipeline(16000, new EnergyDetector(), Defaults);
        var expected = Stream(whole, track, int.MaxValue).Select(h => h.Event).ToList();

        Assert.Equal(
            [AudioEventKind.SpeechStarted, AudioEventKind.Paused, AudioEventKind.SpeechResumed, AudioEventKind.Paused, AudioEventKind.TurnEnded, AudioEventKind.SpeechStarted],
            expected.Select(e => e.Kind));
        foreach (var sizes in new[] { [BytesFor(16000, 10)], [BytesFor(16000, 200)], [BytesFor(16000, 20), BytesFor(16000, 60), BytesFor(16000, 100)], new[] { 1, 321, 4097, 3 } })
        {
            using var pipeline = new AudioPipeline(16000, new EnergyDetector(), Defaults);
            Assert.Equal(expected, Stream(pipeline, track, sizes).Select(h => h.Event));
        }
    }

    [Theory]
    [InlineData(8000)]
    [InlineData(24000)]
    [InlineData(48000)]
    public void Write_ClientRate_SameTurnAsAt16kHzWithinAFrame(int rate)
    {
        using var reference = new AudioPipeline(16000, new EnergyDetector(), Defaults);
        var expected = Stream(reference, ToneAnswer(16000), BytesFor(16000, 20));
        using var pipeline = new AudioPipeline(rate, new EnergyDetector(), Defaults);

        var actual = Stream(pipeline, ToneAnswer(rate), BytesFor(rate, 20) + 1);

        Assert.Equal(expected.Select(h => (h.Event.Kind, h.Event.Reason)), actual.Select(h => (h.Event.Kind, h.Event.Reason)));
        Assert.All(expected.Zip(actual), pair => Assert.InRange(pair.Second.Event.Sample - pair.First.Event.Sample, -Frame, Frame));
        Assert.InRange(pipeline.SamplesReceived, reference.SamplesReceived - 64, reference.SamplesReceived);
    }

    [Fact]
    public void New_RateNotAccepted_SaysWhichAre()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new AudioPipeline(44100, new EnergyDetector(), Defaults));

        Assert.Contains("8000, 16000, 24000, 48000", error.Message);
    }

    [Fact]
    public void TurnSamples_StartAPrerollBeforeTheSpeech_AndStopGrowingWhenTheTurnEnds()
    {
        using var pipeline = new AudioPipeline(16000, new EnergyDetector(), Defaults);
        var heard = Stream(pipeline, Signals.Concat(Signals.Silence(16000, 1), Signals.Sine(220, 16000, 1.2, 0.3), Signals.Silence(16000, 1)), 640);
        var started = heard[0].Event;
        var ended = heard.Single(h => h.Event.Kind == AudioEventKind.TurnEnded);

        Assert.InRange(started.Sample, Ms(1000) - Frame, Ms(1000));
        Assert.Equal(started.Sample - Ms(300), pipeline.TurnStartSample);
        Assert.InRange(pipeline.TurnStartSample + pipeline.TurnSamples.Length, ended.Clock - Frame, ended.Clock);
        var length = pipeline.TurnSamples.Length;
        Stream(pipeline, Signals.Silence(16000, 3), 640);
        Assert.Equal(length, pipeline.TurnSamples.Length);
    }

    [Fact]
    public void NextTurn_DuringSpeechOverTheAnswer_StartsTheTurnWithIt()
    {
        using var pipeline = new AudioPipeline(16000, new EnergyDetector(), Defaults);
        Stream(pipeline, Signals.Concat(Signals.Silence(16000, 0.5), Signals.Sine(220, 16000, 1.2, 0.3), Signals.Silence(16000, 2)), 640);
        Assert.True(pipeline.TurnEnded);

        var bargeIn = Stream(pipeline, Signals.Sine(300, 16000, 0.2, 0.3), 640);
        pipeline.NextTurn();

        var speech = Assert.Single(bargeIn).Event;
        Assert.Equal(AudioEventKind.SpeechStarted, speech.Kind);
        Assert.False(pipeline.TurnEnded);
        Assert.True(pipeline.InSpeech);
        Assert.Equal(speech.Sample - Ms(300), pipeline.TurnStartSample);
        Assert.Equal(pipeline.SamplesReceived, pipeline.TurnStartSample + pipeline.TurnSamples.Length);
    }

    [Fact]
    public void EndTurnByClient_WithoutSpeech_EndsOnceWithAnEmptyTurn()
    {
        using var pipeline = new AudioPipeline(16000, new EnergyDetector(), Defaults);
        Stream(pipeline, Signals.Silence(16000, 0.5), 640);

        Assert.Equal(new AudioEvent(AudioEventKind.TurnEnded, Ms(500), TurnEndReason.Client), pipeline.EndTurnByClient());
        Assert.Null(pipeline.EndTurnByClient());
        Assert.True(pipeline.TurnSamples.IsEmpty);
        Assert.Equal(TimeSpan.FromMilliseconds(500), pipeline.ToTime(pipeline.SamplesReceived));
    }

    [Fact]
    public void Write_SpeechBeyondMaxTurnSeconds_EndsWithMaxDurationAndHoldsNoMore()
    {
        // A detector that takes the tone for speech however long it lasts (the energy detector makes a steady tone its floor).
        using var pipeline = new AudioPipeline(16000, new LoudnessDetector(), Defaults with { MaxTurnSeconds = 2 });

        var heard = Stream(pipeline, Signals.Concat(Signals.Silence(16000, 0.5), Signals.Sine(220, 16000, 4, 0.3)), 640);

        var ended = heard.First(h => h.Event.Kind == AudioEventKind.TurnEnded).Event;
        Assert.Equal(TurnEndReason.MaxDuration, ended.Reason);
        Assert.InRange(ended.Sample - heard[0].Event.Sample, Ms(2000), Ms(2000) + Frame);
        Assert.InRange(pipeline.TurnSamples.Length, 0, Ms(2000 + 300) + Frame);
    }

    [Fact]
    public void Write_TwentyMsWrites_AllocateNothing()
    {
        using var pipeline = new AudioPipeline(48000, new EnergyDetector(), Defaults);
        var bytes = Signals.ToBytes(ToneAnswer(48000));
        var events = new List<AudioEvent>(16);
        var size = BytesFor(48000, 20);
        void Pass()
        {
            for (var at = 0; at + size <= bytes.Length; at += size)
            {
                pipeline.Write(bytes.AsSpan(at, size), events);
                events.Clear();
                if (pipeline.TurnEnded) pipeline.NextTurn();
            }
        }

        // The first pass warms the shared array pool on this thread (its first rent and return allocate the pool's
        // own bookkeeping); from then on a turn's array is rented and returned, never allocated.
        Pass();
        var before = GC.GetAllocatedBytesForCurrentThread();
        Pass();

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    // --- Real speech ---

    [FactWhenInstalled(Needs.EspeakNg)]
    public void Write_AnswerWithAShortPause_OneTurnEndedBySilenceAfterItsLastWord()
    {
        var (track, phrases) = SpeechTracks.Build(700, "I usually drink it in my coffee.", 400, "Sometimes with cereal too.", 2000);
        using var pipeline = new AudioPipeline(16000, new EnergyDetector(), Defaults);

        var heard = Stream(pipeline, track, BytesFor(16000, 10));

        AssertOneTurn(heard, phrases[0].Start, phrases[1].End);
    }

    [FactWhenInstalled(Needs.EspeakNg)]
    public void Write_OneSecondOfSilenceBetweenPhrases_EndsTheTurnAfterTheFirst()
    {
        var (track, phrases) = SpeechTracks.Build(700, "I usually drink it in my coffee.", 1000, "Sometimes with cereal too.", 1000);
        using var pipeline = new AudioPipeline(16000, new EnergyDetector(), Defaults);

        var heard = Stream(pipeline, track, BytesFor(16000, 10));

        var ended = heard.First(h => h.Event.Kind == AudioEventKind.TurnEnded);
        Assert.Equal(TurnEndReason.Silence, ended.Event.Reason);
        Assert.InRange(ended.Event.Sample, phrases[0].End - Ms(150), phrases[0].End + Ms(150));
        Assert.InRange(ended.Clock - ended.Event.Sample, Ms(800), Ms(800) + Frame + Ms(10));
        // The second phrase is speech over the answer: reported, but the ended turn does not take it.
        Assert.Contains(heard, h => h.Event.Kind == AudioEventKind.SpeechStarted && h.Event.Sample > ended.Clock);
        Assert.InRange(pipeline.TurnStartSample + pipeline.TurnSamples.Length, 0, ended.Clock);
    }

    [FactWhenInstalled(Needs.EspeakNg)]
    public void Write_ShortYes_HeldUntilMinTurnMs()
    {
        var (track, phrases) = SpeechTracks.Build(700, "Yes.", 3000);
        using var pipeline = new AudioPipeline(16000, new EnergyDetector(), Defaults with { SilenceMs = 500, MinTurnMs = 1500 });

        var heard = Stream(pipeline, track, BytesFor(16000, 10));

        var started = heard.First(h => h.Event.Kind == AudioEventKind.SpeechStarted).Event;
        var ended = heard.Single(h => h.Event.Kind == AudioEventKind.TurnEnded);
        Assert.True(phrases[0].End + Ms(500) < started.Sample + Ms(1500), "the test's yes must be shorter than MinTurnMs - SilenceMs");
        Assert.InRange(ended.Clock - started.Sample, Ms(1500), Ms(1500) + Frame + Ms(10));
    }

    [FactWhenInstalled(Needs.EspeakNg, Needs.Sox)]
    public void Write_AnswerInNoise_OneTurnAndNoiseAloneNeverStartsSpeech()
    {
        var (track, phrases) = SpeechTracks.Build(700, "I usually drink it in my coffee.", 400, "Sometimes with cereal too.", 2000);
        var noise = SpeechTracks.Noise(3);
        using var pipeline = new AudioPipeline(16000, new EnergyDetector(), Defaults);
        using var noiseOnly = new AudioPipeline(16000, new EnergyDetector(), Defaults);

        AssertOneTurn(Stream(pipeline, SpeechTracks.Mix(track, noise), BytesFor(16000, 10)), phrases[0].Start, phrases[1].End);
        Assert.Empty(Stream(noiseOnly, SpeechTracks.Mix(new short[noise.Length * 3], noise), BytesFor(16000, 20)));
    }

    [FactWhenInstalled(Needs.EspeakNg, Needs.SileroModel)]
    public void Write_WithSilero_OneTurnAgreeingWithTheEnergyDetectorWithinTwoFrames()
    {
        var (track, phrases) = SpeechTracks.Build(700, "I usually drink it in my coffee.", 400, "Sometimes with cereal too.", 2000);
        using var factory = new SileroDetectorFactory(Needs.SileroModelPath()!);
        using var silero = new AudioPipeline(24000, factory.Create(), Defaults);
        using var energy = new AudioPipeline(24000, new EnergyDetector(), Defaults);
        var track24k = Resampler.Resample(track, 16000, 24000);

        var bySilero = Stream(silero, track24k, BytesFor(24000, 20));
        var byEnergy = Stream(energy, track24k, BytesFor(24000, 20));

        AssertOneTurn(bySilero, phrases[0].Start, phrases[1].End);
        var started = (Silero: bySilero[0].Event.Sample, Energy: byEnergy[0].Event.Sample);
        var ended = (Silero: bySilero.Single(h => h.Event.Kind == AudioEventKind.TurnEnded), Energy: byEnergy.Single(h => h.Event.Kind == AudioEventKind.TurnEnded));
        Assert.InRange(started.Silero - started.Energy, -2 * Frame, 2 * Frame);
        Assert.InRange(ended.Silero.Event.Sample - ended.Energy.Event.Sample, -2 * Frame, 2 * Frame);
    }

    [FactWhenInstalled(Needs.Sox, Needs.SileroModel)]
    public void Write_WithSilero_NoiseAloneNeverStartsSpeech()
    {
        using var factory = new SileroDetectorFactory(Needs.SileroModelPath()!);
        using var pipeline = new AudioPipeline(16000, factory.Create(), Defaults);

        Assert.Empty(Stream(pipeline, SpeechTracks.Noise(5), BytesFor(16000, 20)));
    }

    /// <summary>Speech wherever a frame is louder than -40 dBFS, with no memory.</summary>
    private sealed class LoudnessDetector : IVoiceActivityDetector
    {
        public int FrameSamples => Frame;

        public float SpeechProbability(ReadOnlySpan<float> frame) => EnergyDetector.LevelDb(frame) > -40 ? 1 : 0;

        public void Reset()
        {
        }

        public void Dispose()
        {
        }
    }

    /// <summary>Speech started near the first word, one reported pause or none, and the turn ended by silence SilenceMs after the last word.</summary>
    private static void AssertOneTurn(List<Heard> heard, long firstWord, long lastWord)
    {
        var turn = heard.TakeWhile(h => h.Event.Kind != AudioEventKind.TurnEnded).Select(h => h.Event.Kind).ToList();
        Assert.Equal(AudioEventKind.SpeechStarted, turn[0]);
        Assert.DoesNotContain(AudioEventKind.SpeechStarted, turn.Skip(1));
        Assert.InRange(heard[0].Event.Sample, firstWord - Ms(100), firstWord + Ms(100));

        var ended = heard.Single(h => h.Event.Kind == AudioEventKind.TurnEnded);
        Assert.Equal(TurnEndReason.Silence, ended.Event.Reason);
        Assert.InRange(ended.Event.Sample, lastWord - Ms(150), lastWord + Ms(150));
        Assert.InRange(ended.Clock - ended.Event.Sample, Ms(800), Ms(800) + Frame + Ms(20));
    }
}
