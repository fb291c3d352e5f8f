using System.Buffers.Binary;
using System.Text;

namespace Promptly.Tests.Audio;

/// <summary>Reads the mono PCM16 WAV that espeak-ng and sox write, including their streamed form (sizes left unknown).</summary>
internal static class Wav
{
    public static (int Rate, short[] Samples) Read(byte[] wav)
    {
        Assert.Equal("RIFF", Encoding.ASCII.GetString(wav, 0, 4));
        Assert.Equal("WAVE", Encoding.ASCII.GetString(wav, 8, 4));
        var rate = 0;
        var at = 12;
        while (at + 8 <= wav.Length)
        {
            var id = Encoding.ASCII.GetString(wav, at, 4);
            var size = BinaryPrimitives.ReadUInt32LittleEndian(wav.AsSpan(at + 4));
            var body = at + 8;
            if (id == "fmt ")
            {
                Assert.Equal(1, BinaryPrimitives.ReadInt16LittleEndian(wav.AsSpan(body)));
                Assert.Equal(1, BinaryPrimitives.ReadInt16LittleEndian(wav.AsSpan(body + 2)));
                rate = BinaryPrimitives.ReadInt32LittleEndian(wav.AsSpan(body + 4));
                Assert.Equal(16, BinaryPrimitives.ReadInt16LittleEndian(wav.AsSpan(body + 14)));
            }
            else if (id == "data")
            {
                // Written to a pipe, the size is a placeholder (0 or 0xFFFFFFFF): the data runs to the end.
                var length = size == 0 || body + size > wav.Length ? wav.Length - body : (int)size;
                var samples = new short[length / 2];
                for (var i = 0; i < samples.Length; i++) samples[i] = BinaryPrimitives.ReadInt16LittleEndian(wav.AsSpan(body + 2 * i));
                Assert.True(rate > 0, "WAV data before its format chunk");
                return (rate, samples);
            }

            at = body + (int)Math.Min(size, int.MaxValue) + (int)(size & 1);
        }

        throw new InvalidDataException("WAV without a data chunk");
    }
}
