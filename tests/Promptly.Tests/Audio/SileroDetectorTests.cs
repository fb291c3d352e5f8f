using Promptly.Audio;
using Promptly.Tests.Support;

namespace Promptly.Tests.Audio;

public sealed class SileroDetectorTests
{
    private static SileroDetectorFactory Factory() => new(Needs.SileroModelPath()!);

    [Fact]
    public void Factory_ModelFileMissing_SaysWhereItLookedAndWhichSetting()
    {
        var missing = Path.Combine(Path.GetTempPath(), "no-such-dir", "silero_vad_v5.onnx");

        var error = Assert.Throws<FileNotFoundException>(() => new SileroDetectorFactory(missing));

        Assert.Contains(missing, error.Message);
        Assert.Contains("Voice:SileroModel", error.Message);
    }

    [FactWhenInstalled(Needs.SileroModel)]
    public void SpeechProbability_Silence_IsLow()
    {
        using var factory = Factory();
        using var detector = factory.Create();

        Assert.Equal(512, detector.FrameSamples);
        Assert.All(EnergyDetectorTests.Probabilities(detector, Signals.Silence(16000, 2)), p => Assert.InRange(p, 0, 0.2));
    }

    [FactWhenInstalled(Needs.EspeakNg, Needs.SileroModel)]
    public void SpeechProbability_EspeakPhrases_SpeechWhereTheyAreAndNotBetween()
    {
        using var factory = Factory();
        using var detector = factory.Create();
        var (track, phrases) = SpeechTracks.Build(1000, "I would buy oat milk if it tasted better.", 1500, "Mostly in coffee, every morning.", 1000);

        EnergyDetectorTests.AssertSpeechWhere(EnergyDetectorTests.Probabilities(detector, track), phrases);
    }

    [FactWhenInstalled(Needs.EspeakNg, Needs.Sox, Needs.SileroModel)]
    public void SpeechProbability_EspeakPhrasesInNoise_SpeechWhereTheyAreAndNotBetween()
    {
        using var factory = Factory();
        using var detector = factory.Create();
        var (track, phrases) = SpeechTracks.Build(1000, "I would buy oat milk if it tasted better.", 1500, "Mostly in coffee, every morning.", 1000);

        var p = EnergyDetectorTests.Probabilities(detector, SpeechTracks.Mix(track, SpeechTracks.Noise(3)));

        EnergyDetectorTests.AssertSpeechWhere(p, phrases);
    }

    [FactWhenInstalled(Needs.Sox, Needs.SileroModel)]
    public void SpeechProbability_SoxWhiteNoise_NeverSpeech()
    {
        using var factory = Factory();
        using var detector = factory.Create();

        Assert.All(EnergyDetectorTests.Probabilities(detector, SpeechTracks.Noise(5)), p => Assert.InRange(p, 0, 0.35));
    }

    [FactWhenInstalled(Needs.EspeakNg, Needs.SileroModel)]
    public void Create_StreamsOnOneSession_KeepTheirOwnState()
    {
        using var factory = Factory();
        using var alone = factory.Create();
        using var interleaved = factory.Create();
        using var other = factory.Create();
        var (track, _) = SpeechTracks.Build(300, "Yes, definitely.", 500);
        var expected = EnergyDetectorTests.Probabilities(alone, track);

        var frame = new float[512];
        var noise = Signals.Noise(16000, track.Length / 16000.0 + 1, 0.5);
        var actual = new float[expected.Length];
        for (var i = 0; i < actual.Length; i++)
        {
            Pcm16.ToFloat(noise.AsSpan(i * 512, 512), frame);
            other.SpeechProbability(frame);
            Pcm16.ToFloat(track.AsSpan(i * 512, 512), frame);
            actual[i] = interleaved.SpeechProbability(frame);
        }

        Assert.Equal(expected, actual);
    }

    [FactWhenInstalled(Needs.EspeakNg, Needs.SileroModel)]
    public void Reset_GivesTheSameProbabilitiesAsANewStream()
    {
        using var factory = Factory();
        using var detector = factory.Create();
        var (track, _) = SpeechTracks.Build(300, "Yes, definitely.", 500);
        var first = EnergyDetectorTests.Probabilities(detector, track);

        detector.Reset();

        Assert.Equal(first, EnergyDetectorTests.Probabilities(detector, track));
    }

    [FactWhenInstalled(Needs.SileroModel)]
    public void SpeechProbability_AFrame_AllocatesAlmostNothing()
    {
        using var factory = Factory();
        using var detector = factory.Create();
        var frame = new float[512];
        detector.SpeechProbability(frame);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 200; i++) detector.SpeechProbability(frame);
        var perFrame = (GC.GetAllocatedBytesForCurrentThread() - before) / 200.0;

        Assert.InRange(perFrame, 0, 64);
    }
}
