using Promptly.Audio;

namespace Promptly.Tests.Audio;

public sealed class ResamplerTests
{
    public static TheoryData<int, int> Conversions() => new()
    {
        { 8000, 16000 },
        { 24000, 16000 },
        { 48000, 16000 },
        { 22050, 16000 },
        { 22050, 8000 },
        { 22050, 48000 },
        { 24000, 8000 },
        { 24000, 48000 },
        { 16000, 24000 },
    };

    [Theory]
    [MemberData(nameof(Conversions))]
    public void Resample_Tone_KeepsItsFrequencyAndLevel(int from, int to)
    {
        var tone = Signals.Sine(1000, from, 0.5);

        var output = Resampler.Resample(tone, from, to);

        // Away from the edges, where the filter sees silence beyond the signal.
        var middle = output.AsSpan(output.Length / 4, output.Length / 2);
        Assert.InRange(Signals.Amplitude(middle, 1000, to), 0.97 * 0.5 * 32767, 1.03 * 0.5 * 32767);
        Assert.InRange(Signals.Amplitude(middle, 1300, to), 0, 0.05 * 0.5 * 32767);
        Assert.InRange(Signals.Rms(middle), 0.97 * 0.5 * 32767 / Math.Sqrt(2), 1.03 * 0.5 * 32767 / Math.Sqrt(2));
    }

    [Theory]
    [MemberData(nameof(Conversions))]
    public void Resample_Length_FollowsTheRateRatio(int from, int to)
    {
        var input = Signals.Sine(440, from, 0.3337);

        var output = Resampler.Resample(input, from, to);

        Assert.Equal((int)Math.Ceiling((double)input.Length * to / from), output.Length);
    }

    [Theory]
    [InlineData(48000, 16000, 12000)]
    [InlineData(24000, 16000, 10000)]
    [InlineData(22050, 8000, 6000)]
    [InlineData(22050, 16000, 10000)]
    public void Resample_ToneAboveTheNewNyquist_IsFilteredOutNotAliased(int from, int to, double hz)
    {
        var tone = Signals.Sine(hz, from, 0.5);
        var alias = Math.Abs(to - hz % to);

        var output = Resampler.Resample(tone, from, to);

        var middle = output.AsSpan(output.Length / 4, output.Length / 2);
        // -40 dB or better, where a decimator without a filter would pass the tone at full level as `alias` Hz.
        Assert.InRange(Signals.Rms(middle), 0, 0.01 * Signals.Rms(tone));
        Assert.InRange(Signals.Amplitude(middle, alias, to), 0, 0.01 * 0.5 * 32767);
    }

    [Theory]
    [InlineData(8000)]
    [InlineData(16000)]
    [InlineData(24000)]
    [InlineData(48000)]
    public void Process_OddSizedChunks_SameAsOneShot(int from)
    {
        var input = Signals.Concat(Signals.Sine(523, from, 0.2), Signals.Noise(from, 0.2, 0.3), Signals.Sine(3100, from, 0.15));
        var expected = Resampler.Resample(input, from, SampleRates.Pipeline);
        var resampler = new Resampler(from, SampleRates.Pipeline);
        var streamed = new List<short>();

        int[] sizes = [1, 13, 160, 0, 7, 999, 2, 480];
        for (int at = 0, i = 0; at < input.Length; i++)
        {
            var size = Math.Min(sizes[i % sizes.Length], input.Length - at);
            var output = new short[resampler.MaxOutput(size)];
            var count = resampler.Process(input.AsSpan(at, size), output);
            streamed.AddRange(output.AsSpan(0, count));
            at += size;
        }

        // A stream cannot finish the last few output samples until audio after them arrives; the rest is identical.
        Assert.InRange(streamed.Count, expected.Length - 30, expected.Length);
        for (var i = 0; i < streamed.Count; i++) Assert.InRange(streamed[i] - expected[i], -1, 1);
    }

    [Fact]
    public void Process_TooLittleRoom_Throws()
    {
        var resampler = new Resampler(8000, 16000);

        Assert.Throws<ArgumentException>(() => resampler.Process(new short[100], new short[150]));
    }
}
