namespace Promptly.Tests.Audio;

/// <summary>Synthetic test audio: tones, silence and seeded noise as PCM16 samples, and measures of what came out.</summary>
internal static class Signals
{
    public static short[] Sine(double hz, int rate, double seconds, double amplitude = 0.5)
    {
        var samples = new short[(int)(rate * seconds)];
        for (var i = 0; i < samples.Length; i++) samples[i] = (short)Math.Round(amplitude * 32767 * Math.Sin(2 * Math.PI * hz * i / rate));
        return samples;
    }

    public static short[] Silence(int rate, double seconds) => new short[(int)(rate * seconds)];

    /// <summary>Uniform white noise with the given peak, the same every run.</summary>
    public static short[] Noise(int rate, double seconds, double peak, int seed = 7)
    {
        var random = new Random(seed);
        var samples = new short[(int)(rate * seconds)];
        for (var i = 0; i < samples.Length; i++) samples[i] = (short)Math.Round(peak * 32767 * (2 * random.NextDouble() - 1));
        return samples;
    }

    public static short[] Concat(params short[][] parts) => [.. parts.SelectMany(p => p)];

    public static byte[] ToBytes(ReadOnlySpan<short> samples)
    {
        var bytes = new byte[samples.Length * 2];
        for (var i = 0; i < samples.Length; i++)
        {
            bytes[2 * i] = (byte)samples[i];
            bytes[2 * i + 1] = (byte)(samples[i] >> 8);
        }

        return bytes;
    }

    public static double Rms(ReadOnlySpan<short> samples)
    {
        double sum = 0;
        foreach (var s in samples) sum += (double)s * s;
        return Math.Sqrt(sum / Math.Max(1, samples.Length));
    }

    /// <summary>The amplitude of the <paramref name="hz"/> component (Goertzel), in the samples' own units.</summary>
    public static double Amplitude(ReadOnlySpan<short> samples, double hz, int rate)
    {
        var coefficient = 2 * Math.Cos(2 * Math.PI * hz / rate);
        double s1 = 0, s2 = 0;
        foreach (var x in samples)
        {
            var s0 = x + coefficient * s1 - s2;
            s2 = s1;
            s1 = s0;
        }

        var power = s1 * s1 + s2 * s2 - coefficient * s1 * s2;
        return 2 * Math.Sqrt(Math.Max(power, 0)) / samples.Length;
    }
}
