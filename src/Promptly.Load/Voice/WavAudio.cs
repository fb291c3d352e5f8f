using System.Buffers.Binary;

namespace Promptly.Load.Voice;

/// <summary>
/// Mono PCM16 audio and the little of RIFF/WAVE the voice clients need: reading an answer recorded by espeak-ng, sox
/// or a microphone tool, and writing the interviewer's replies. The server has its own WAV code; this library may not
/// reference the server, so it keeps this copy.
/// </summary>
internal sealed record WavAudio(short[] Samples, int SampleRate)
{
    private const int HeaderSize = 44;

    // espeak-ng writing to a pipe puts 0x7FFFF000 in the data size (others 0 or 0xFFFFFFFF): "until the end of the file".
    private const uint StreamingSize = 0x7FFF0000;

    public TimeSpan Duration => TimeSpan.FromSeconds((double)Samples.Length / SampleRate);

    /// <summary>Reads a WAV file; <see cref="InvalidDataException"/> with a one-line reason when it is not PCM16 mono.</summary>
    public static WavAudio Read(string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidDataException($"{path}: {e.Message}", e);
        }

        return Parse(bytes, path);
    }

    /// <summary>The audio of a WAV file's <paramref name="bytes"/>; <paramref name="name"/> names it in errors.</summary>
    public static WavAudio Parse(ReadOnlySpan<byte> bytes, string name)
    {
        if (bytes.Length < 12 || !bytes[..4].SequenceEqual("RIFF"u8) || !bytes[8..12].SequenceEqual("WAVE"u8))
            throw new InvalidDataException($"{name} is not a WAV file (no RIFF/WAVE header).");
        var position = 12;
        (int Encoding, int Channels, int Rate, int Bits)? format = null;
        while (position + 8 <= bytes.Length)
        {
            var id = bytes.Slice(position, 4);
            var size = BinaryPrimitives.ReadUInt32LittleEndian(bytes[(position + 4)..]);
            position += 8;
            if (id.SequenceEqual("data"u8))
            {
                if (format is not { } f) throw new InvalidDataException($"{name}: WAV data before its fmt chunk.");
                if (f.Encoding != 1 || f.Bits != 16 || f.Channels != 1)
                {
                    throw new InvalidDataException(
                        $"{name} is {f.Channels} channel(s), {f.Bits}-bit, encoding {f.Encoding}: answers must be PCM16 mono (sox in.wav -b 16 -c 1 out.wav).");
                }

                if (f.Rate is < 1000 or > 192_000) throw new InvalidDataException($"{name}: sample rate {f.Rate} Hz is not plausible.");
                var available = bytes.Length - position;
                var length = size is 0 or >= StreamingSize ? available : (int)Math.Min(size, (uint)available);
                var samples = new short[length / 2];
                for (var i = 0; i < samples.Length; i++) samples[i] = BinaryPrimitives.ReadInt16LittleEndian(bytes[(position + i * 2)..]);
                return new WavAudio(samples, f.Rate);
            }

            if (size > bytes.Length - position) break;
            if (id.SequenceEqual("fmt "u8) && size >= 16)
            {
                var chunk = bytes.Slice(position, 16);
                format = (BinaryPrimitives.ReadUInt16LittleEndian(chunk), BinaryPrimitives.ReadUInt16LittleEndian(chunk[2..]),
                    BinaryPrimitives.ReadInt32LittleEndian(chunk[4..]), BinaryPrimitives.ReadUInt16LittleEndian(chunk[14..]));
            }

            // RIFF pads odd-sized chunks to an even length.
            position += (int)size + (int)(size & 1);
        }

        throw new InvalidDataException($"{name}: a WAV file without a data chunk, or cut short.");
    }

    /// <summary>A complete WAV file of this audio.</summary>
    public byte[] Encode()
    {
        var dataSize = Samples.Length * 2;
        var bytes = new byte[HeaderSize + dataSize];
        var span = bytes.AsSpan();
        "RIFF"u8.CopyTo(span);
        BinaryPrimitives.WriteInt32LittleEndian(span[4..], HeaderSize - 8 + dataSize);
        "WAVEfmt "u8.CopyTo(span[8..]);
        BinaryPrimitives.WriteInt32LittleEndian(span[16..], 16);
        BinaryPrimitives.WriteInt16LittleEndian(span[20..], 1);
        BinaryPrimitives.WriteInt16LittleEndian(span[22..], 1);
        BinaryPrimitives.WriteInt32LittleEndian(span[24..], SampleRate);
        BinaryPrimitives.WriteInt32LittleEndian(span[28..], SampleRate * 2);
        BinaryPrimitives.WriteInt16LittleEndian(span[32..], 2);
        BinaryPrimitives.WriteInt16LittleEndian(span[34..], 16);
        "data"u8.CopyTo(span[36..]);
        BinaryPrimitives.WriteInt32LittleEndian(span[40..], dataSize);
        for (var i = 0; i < Samples.Length; i++) BinaryPrimitives.WriteInt16LittleEndian(span[(HeaderSize + i * 2)..], Samples[i]);
        return bytes;
    }

    /// <summary>PCM16 little-endian bytes of each <paramref name="frameMs"/> of the audio, the last one padded with silence.</summary>
    public byte[][] Frames(int frameMs)
    {
        var frame = SampleRate * frameMs / 1000;
        var frames = new byte[(Samples.Length + frame - 1) / frame][];
        for (var f = 0; f < frames.Length; f++)
        {
            frames[f] = new byte[frame * 2];
            var count = Math.Min(frame, Samples.Length - f * frame);
            for (var i = 0; i < count; i++) BinaryPrimitives.WriteInt16LittleEndian(frames[f].AsSpan(i * 2), Samples[f * frame + i]);
        }

        return frames;
    }

    /// <summary>
    /// This audio at <paramref name="rate"/>, by linear interpolation. Enough for answers spoken to a server: the aliasing
    /// it lets through when going down (espeak-ng's 22,050 Hz to 16 kHz) lies above what voice activity detection and
    /// speech-to-text listen to, and the server does its own careful resampling of accepted rates.
    /// </summary>
    public WavAudio ResampledTo(int rate)
    {
        if (rate == SampleRate || Samples.Length == 0) return this with { SampleRate = rate };
        var length = (int)((long)Samples.Length * rate / SampleRate);
        var output = new short[length];
        var step = (double)SampleRate / rate;
        for (var i = 0; i < length; i++)
        {
            var position = i * step;
            var left = (int)position;
            var right = Math.Min(left + 1, Samples.Length - 1);
            var fraction = position - left;
            output[i] = (short)Math.Round(Samples[left] + (Samples[right] - Samples[left]) * fraction);
        }

        return new WavAudio(output, rate);
    }
}
