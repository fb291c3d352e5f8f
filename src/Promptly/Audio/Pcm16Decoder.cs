namespace Promptly.Audio;

/// <summary>
/// Turns a stream of little-endian PCM16 bytes, cut anywhere, into samples. A WebSocket message may end in the middle
/// of a sample; its odd byte is kept and completes the first sample of the next write.
/// </summary>
/// <remarks>One per stream; not thread-safe.</remarks>
internal sealed class Pcm16Decoder
{
    private byte _carried;
    private bool _hasCarried;

    /// <summary>The most samples <see cref="Decode"/> can produce from <paramref name="byteCount"/> bytes.</summary>
    public static int MaxSamples(int byteCount) => byteCount / 2 + 1;

    /// <summary>Decodes <paramref name="bytes"/> into <paramref name="samples"/>; returns how many samples were written.</summary>
    public int Decode(ReadOnlySpan<byte> bytes, Span<short> samples)
    {
        var written = 0;
        if (_hasCarried && bytes.Length > 0)
        {
            samples[0] = (short)(_carried | (bytes[0] << 8));
            bytes = bytes[1..];
            _hasCarried = false;
            written = 1;
        }

        written += Pcm16.ToSamples(bytes[..(bytes.Length & ~1)], samples[written..]);
        if ((bytes.Length & 1) == 1)
        {
            _carried = bytes[^1];
            _hasCarried = true;
        }

        return written;
    }
}
