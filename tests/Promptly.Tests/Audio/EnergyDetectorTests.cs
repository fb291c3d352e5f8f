using Promptly.Audio;
using Promptly.Tests.Support;

namespace Promptly.Tests.Audio;

public sealed class EnergyDetectorTests
{
    /// <summary>The detector's probability for each 512-sample frame of a 16 kHz track.</summary>
    internal static float[] Probabilities(IVoiceActivityDetector detector, short[] track)
    {
        var frame = new float[detector.FrameSamples];
        var result = new float[track.Length / frame.Length];
        for (var i = 0; i < result.Length; i++)
        {
            Pcm16.ToFloat(track.AsSpan(i * frame.Length, frame.Length), frame);
            result[i] = detector.SpeechProbability(frame);
        }

        return result;
    }

    [Fact]
    public void SpeechProbability_DigitalSilence_IsNearZero()
    {
        using var detector = new EnergyDetector();

        Assert.All(Probabilities(detector, Signals.Silence(16000, 2)), p => Assert.InRange(p, 0, 0.01));
    }

    [Fact]
    public void SpeechProbability_SteadyLowNoiseFromTheStart_NeverSpeech()
    {
        using var detector = new EnergyDetector();

        Assert.All(Probabilities(detector, Signals.Noise(16000, 10, 0.03)), p => Assert.InRange(p, 0, 0.2));
    }

    [Fact]
    public void SpeechProbability_LoudToneOverLowNoise_IsSpeechWhileItLasts()
    {
        using var detector = new EnergyDetector();
        var noise = Signals.Noise(16000, 1, 0.02);
        var track = Signals.Concat(noise, Signals.Sine(220, 16000, 0.5, 0.3), noise);

        var p = Probabilities(detector, track);

        Assert.All(p[..31], x => Assert.InRange(x, 0, 0.2));
        Assert.All(p[32..46], x => Assert.InRange(x, 0.9, 1));
        Assert.All(p[48..], x => Assert.InRange(x, 0, 0.2));
    }

    [Fact]
    public void SpeechProbability_NoiseThatStaysOn_BecomesTheFloorWithinTwoSeconds()
    {
        using var detector = new EnergyDetector();
        var track = Signals.Concat(Signals.Silence(16000, 1), Signals.Noise(16000, 5, 0.05));

        var p = Probabilities(detector, track);

        Assert.All(p[(int)(3.2 * 16000 / 512)..], x => Assert.InRange(x, 0, 0.2));
    }

    [Fact]
    public void Reset_ForgetsTheNoiseFloor()
    {
        using var detector = new EnergyDetector();
        Probabilities(detector, Signals.Silence(16000, 1));

        detector.Reset();
        var p = Probabilities(detector, Signals.Noise(16000, 1, 0.05));

        // Heard first after a reset, the noise is the floor; without the reset it would stand 30 dB above silence.
        Assert.All(p, x => Assert.InRange(x, 0, 0.2));
    }

    [FactWhenInstalled(Needs.EspeakNg)]
    public void SpeechProbability_EspeakPhrases_SpeechWhereTheyAreAndNotBetween()
    {
        using var detector = new EnergyDetector();
        var (track, phrases) = SpeechTracks.Build(1000, "I would buy oat milk if it tasted better.", 1500, "Mostly in coffee, every morning.", 1000);

        var p = Probabilities(detector, track);

        AssertSpeechWhere(p, phrases);
    }

    [FactWhenInstalled(Needs.EspeakNg, Needs.Sox)]
    public void SpeechProbability_EspeakPhrasesInNoise_SpeechWhereTheyAreAndNotBetween()
    {
        using var detector = new EnergyDetector();
        var (track, phrases) = SpeechTracks.Build(1000, "I would buy oat milk if it tasted better.", 1500, "Mostly in coffee, every morning.", 1000);

        var p = Probabilities(detector, SpeechTracks.Mix(track, SpeechTracks.Noise(3)));

        AssertSpeechWhere(p, phrases);
    }

    [FactWhenInstalled(Needs.Sox)]
    public void SpeechProbability_SoxWhiteNoise_NeverSpeech()
    {
        using var detector = new EnergyDetector();

        Assert.All(Probabilities(detector, SpeechTracks.Noise(5)), p => Assert.InRange(p, 0, 0.2));
    }

    /// <summary>At least 60% of the frames inside each phrase (gaps between words included) are speech, and none well outside any phrase is.</summary>
    internal static void AssertSpeechWhere(float[] p, List<(long Start, long End)> phrases, float threshold = 0.5f)
    {
        const int Frame = 512;
        foreach (var (start, end) in phrases)
        {
            var inside = p[(int)(start / Frame)..(int)(end / Frame)];
            Assert.True(inside.Count(x => x >= threshold) >= 0.6 * inside.Length, $"speech in {inside.Count(x => x >= threshold)} of {inside.Length} frames of a phrase");
        }

        // Outside: more than 100 ms from any phrase.
        for (var i = 0; i < p.Length; i++)
        {
            var at = (long)i * Frame;
            if (phrases.Any(ph => at + Frame > ph.Start - 1600 && at < ph.End + 1600)) continue;
            Assert.True(p[i] < threshold, $"frame {i} ({at / 16} ms) is speech ({p[i]:F2}) away from every phrase");
        }
    }
}
