using System.Buffers.Binary;

namespace Promptly.Speech;

/// <summary>The format of PCM audio in a WAV file.</summary>
internal readonly record struct WavFormat(int SampleRate, int Channels, int BitsPerSample);

/// <summary>The little of RIFF/WAVE that speech needs: PCM16 mono in, and headers read from a stream as it arrives.</summary>
internal static class Wav
{
    private const int HeaderSize = 44;

    /// <summary>
    /// Some writers stream WAV to a pipe before knowing its length and put a placeholder in the data size (espeak-ng
    /// 0x7FFFF000, others 0 or 0xFFFFFFFF); sizes from this up are read as "until the end of the stream".
    /// </summary>
    private const uint StreamingSize = 0x7FFF0000;

    /// <summary>A complete WAV file of mono PCM16 <paramref name="samples"/>.</summary>
    public static byte[] Encode(ReadOnlySpan<short> samples, int sampleRate)
    {
        var bytes = new byte[HeaderSize + samples.Length * 2];
        var span = bytes.AsSpan();
        var dataSize = samples.Length * 2;
        "RIFF"u8.CopyTo(span);
        BinaryPrimitives.WriteInt32LittleEndian(span[4..], HeaderSize - 8 + dataSize);
        "WAVE"u8.CopyTo(span[8..]);
        "fmt "u8.CopyTo(span[12..]);
        BinaryPrimitives.WriteInt32LittleEndian(span[16..], 16);
        BinaryPrimitives.WriteInt16LittleEndian(span[20..], 1);
        BinaryPrimitives.WriteInt16LittleEndian(span[22..], 1);
        BinaryPrimitives.WriteInt32LittleEndian(span[24..], sampleRate);
        BinaryPrimitives.WriteInt32LittleEndian(span[28..], sampleRate * 2);
        BinaryPrimitives.WriteInt16LittleEndian(span[32..], 2);
        BinaryPrimitives.WriteInt16LittleEndian(span[34..], 16);
        "data"u8.CopyTo(span[36..]);
        BinaryPrimitives.WriteInt32LittleEndian(span[40..], dataSize);
        for (var i = 0; i < samples.Length; i++) BinaryPrimitives.WriteInt16LittleEndian(span[(HeaderSize + i * 2)..], samples[i]);
        return bytes;
    }

    /// <summary>
    /// Reads the header at the start of <paramref name="bytes"/>, skipping chunks other than <c>fmt </c> up to <c>data</c>.
    /// False while more bytes are needed; <see cref="FormatException"/> when they are not PCM WAV.
    /// </summary>
    /// <param name="dataLength">Bytes of audio, or null when the writer did not know it (read to the end of the stream).</param>
    public static bool TryReadHeader(ReadOnlySpan<byte> bytes, out WavFormat format, out int dataOffset, out long? dataLength)
    {
        format = default;
        dataOffset = 0;
        dataLength = null;
        if (bytes.Length < 12) return false;
        if (!bytes[..4].SequenceEqual("RIFF"u8) || !bytes[8..12].SequenceEqual("WAVE"u8)) throw new FormatException("Not a RIFF/WAVE stream.");
        var position = 12;
        var haveFormat = false;
        while (true)
        {
            if (bytes.Length < position + 8) return false;
            var id = bytes.Slice(position, 4);
            var size = BinaryPrimitives.ReadUInt32LittleEndian(bytes[(position + 4)..]);
            position += 8;
            if (id.SequenceEqual("data"u8))
            {
                if (!haveFormat) throw new FormatException("WAV data before its fmt chunk.");
                dataOffset = position;
                dataLength = size is 0 or >= StreamingSize ? null : size;
                return true;
            }

            if (size >= StreamingSize) throw new FormatException("WAV chunk too large.");
            if (bytes.Length < position + size) return false;
            if (id.SequenceEqual("fmt "u8))
            {
                if (size < 16) throw new FormatException("WAV fmt chunk too short.");
                var encoding = BinaryPrimitives.ReadUInt16LittleEndian(bytes[position..]);
                if (encoding != 1) throw new FormatException($"WAV encoding {encoding} is not PCM.");
                format = new WavFormat(
                    BinaryPrimitives.ReadInt32LittleEndian(bytes[(position + 4)..]),
                    BinaryPrimitives.ReadUInt16LittleEndian(bytes[(position + 2)..]),
                    BinaryPrimitives.ReadUInt16LittleEndian(bytes[(position + 14)..]));
                haveFormat = true;
            }

            // RIFF pads odd-sized chunks to an even length.
            position += (int)size + (int)(size & 1);
        }
    }
}
