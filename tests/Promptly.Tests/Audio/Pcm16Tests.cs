using Promptly.Audio;

namespace Promptly.Tests.Audio;

public sealed class Pcm16Tests
{
    [Fact]
    public void ToSamples_LittleEndianPairs_SignedSamples()
    {
        var samples = new short[3];

        var count = Pcm16.ToSamples([0x01, 0x00, 0xFF, 0x7F, 0x00, 0x80], samples);

        Assert.Equal(3, count);
        Assert.Equal([1, short.MaxValue, short.MinValue], samples);
    }

    [Fact]
    public void ToSamples_TooLittleRoom_Throws() => Assert.Throws<ArgumentException>(() => Pcm16.ToSamples(new byte[8], new short[3]));

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(-1)]
    [InlineData(12345)]
    [InlineData(short.MaxValue)]
    [InlineData(short.MinValue)]
    public void ToShort_OfToFloat_GivesTheSampleBack(short sample) => Assert.Equal(sample, Pcm16.ToShort(Pcm16.ToFloat(sample)));

    [Fact]
    public void ToFloat_FullScale_IsWithinMinusOneToOne()
    {
        Assert.Equal(-1f, Pcm16.ToFloat(short.MinValue));
        Assert.InRange(Pcm16.ToFloat(short.MaxValue), 0.9999f, 1f);
    }

    [Fact]
    public void ToShort_BeyondFullScale_Clips()
    {
        Span<short> samples = stackalloc short[2];

        Pcm16.ToShort([1.5f, -3f], samples);

        Assert.Equal(short.MaxValue, samples[0]);
        Assert.Equal(short.MinValue, samples[1]);
    }
}
