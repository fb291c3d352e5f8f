using Promptly.Audio;

namespace Promptly.Tests.Audio;

public sealed class Pcm16DecoderTests
{
    [Fact]
    public void Decode_WritesCutInTheMiddleOfSamples_SameSamplesAsOneWrite()
    {
        var expected = Signals.Noise(16000, 0.05, 0.9);
        var bytes = Signals.ToBytes(expected);
        var decoder = new Pcm16Decoder();
        var decoded = new List<short>();
        var buffer = new short[Pcm16Decoder.MaxSamples(bytes.Length)];

        // Odd sizes, so most writes end inside a sample, and an empty write and a one-byte write among them.
        int[] sizes = [1, 0, 7, 3, 1, 1, 333, 2, 101];
        for (int at = 0, i = 0; at < bytes.Length; i++)
        {
            var size = Math.Min(sizes[i % sizes.Length], bytes.Length - at);
            var count = decoder.Decode(bytes.AsSpan(at, size), buffer);
            decoded.AddRange(buffer.AsSpan(0, count));
            at += size;
        }

        Assert.Equal(expected, decoded);
    }

    [Fact]
    public void Decode_OddByteCount_HoldsTheLastByteBack()
    {
        var decoder = new Pcm16Decoder();
        var buffer = new short[4];

        Assert.Equal(1, decoder.Decode([0x34, 0x12, 0x78], buffer));
        Assert.Equal(0x1234, buffer[0]);
        Assert.Equal(1, decoder.Decode([0x56], buffer));
        Assert.Equal(0x5678, buffer[0]);
    }
}
