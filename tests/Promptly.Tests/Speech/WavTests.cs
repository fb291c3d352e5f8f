using System.Buffers.Binary;
using Promptly.Speech;

namespace Promptly.Tests.Speech;

public sealed class WavTests
{
    [Theory]
    [InlineData(0u)]
    [InlineData(0xFFFFFFFFu)]
    [InlineData(0x7FFFF000u)]
    public void TryReadHeader_StreamingDataSize_ReadsToTheEnd(uint size)
    {
        var wav = Wav.Encode([1, 2, 3], 22_050);
        BinaryPrimitives.WriteUInt32LittleEndian(wav.AsSpan(40), size);

        Assert.True(Wav.TryReadHeader(wav, out var format, out var offset, out var length));

        Assert.Equal((new WavFormat(22_050, 1, 16), 44, (long?)null), (format, offset, length));
    }

    [Fact]
    public void TryReadHeader_OtherChunkBeforeData_SkipsIt()
    {
        var plain = Wav.Encode([7], 16_000);
        byte[] list = [.. "LIST"u8, 3, 0, 0, 0, 1, 2, 3, 0];
        var wav = plain[..36].Concat(list).Concat(plain[36..]).ToArray();

        Assert.True(Wav.TryReadHeader(wav, out _, out var offset, out var length));

        Assert.Equal((44 + list.Length, (long?)2), (offset, length));
    }

    [Fact]
    public void TryReadHeader_PartialHeader_WaitsForMore()
    {
        var wav = Wav.Encode([1], 16_000);

        for (var have = 0; have < 44; have++) Assert.False(Wav.TryReadHeader(wav.AsSpan(0, have), out _, out _, out _));
    }

    [Fact]
    public void TryReadHeader_NotWav_Throws() =>
        Assert.Throws<FormatException>(() => Wav.TryReadHeader("ID3\u0004 not a wave file"u8.ToArray(), out _, out _, out _));
}
