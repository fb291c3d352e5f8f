using System.Buffers.Binary;

namespace Promptly.Audio;

/// <summary>Conversions of 16-bit signed PCM: little-endian bytes to samples, samples to floats in [-1, 1] and back.</summary>
internal static class Pcm16
{
    private const float Scale = 32768f;

    /// <summary>Reads <c>bytes.Length / 2</c> little-endian samples into <paramref name="samples"/>; returns how many.</summary>
    public static int ToSamples(ReadOnlySpan<byte> bytes, Span<short> samples)
    {
        var count = bytes.Length / 2;
        if (samples.Length < count) throw new ArgumentException($"Room for {samples.Length} samples, {count} given.", nameof(samples));
        for (var i = 0; i < count; i++) samples[i] = BinaryPrimitives.ReadInt16LittleEndian(bytes.Slice(2 * i, 2));
        return count;
    }

    public static float ToFloat(short sample) => sample / Scale;

    /// <summary>Rounds to the nearest sample; values beyond [-1, 1] are clipped, as a DAC would.</summary>
    public static short ToShort(float sample) => (short)Math.Clamp(MathF.Round(sample * Scale), short.MinValue, short.MaxValue);

    public static void ToFloat(ReadOnlySpan<short> samples, Span<float> output)
    {
        for (var i = 0; i < samples.Length; i++) output[i] = samples[i] / Scale;
    }

    public static void ToShort(ReadOnlySpan<float> samples, Span<short> output)
    {
        for (var i = 0; i < samples.Length; i++) output[i] = ToShort(samples[i]);
    }
}
