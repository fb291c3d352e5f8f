using System.Collections.Concurrent;
using System.Numerics;

namespace Promptly.Audio;

/// <summary>
/// Converts PCM16 between sample rates by polyphase windowed-sinc interpolation at the exact rational ratio: streaming
/// (an instance keeps the last input samples across writes, so frames of any size give the same output as one big
/// write) or one-shot (<see cref="Resample"/>). The filter's cutoff is 90% of the lower rate's Nyquist frequency, so
/// downsampling low-passes before it decimates and tones the new rate cannot hold do not fold back as aliases.
/// </summary>
/// <remarks>
/// The filter is symmetric around the output instant, so output sample <c>n</c> is the input at time
/// <c>n / toRate</c>, with no delay: positions on either side of the resampler mean the same moment. Streaming output
/// waits for the few input samples after that instant (under 1.5 ms of audio at any accepted rate). One instance per
/// stream; not thread-safe. The filter tables are shared by all instances for the same pair of rates.
/// </remarks>
internal sealed class Resampler
{
    // Kaiser-windowed sinc, 12 zero crossings each side at the cutoff: about 80 dB stopband, a transition band of a
    // few hundred Hz to 3 kHz depending on the ratio, for 27 to 80 multiply-adds an output sample.
    private const int ZeroCrossings = 12;
    private const double Cutoff = 0.9;
    private const double KaiserBeta = 8;
    private const int MaxPhases = 4096;
    private const int ChunkSamples = 4096;

    private static readonly ConcurrentDictionary<(int From, int To), Filter> Filters = new();

    private readonly Filter _filter;
    private readonly float[] _buffer;
    private long _bufferStart;
    private int _bufferCount;
    private long _next;

    public Resampler(int fromRate, int toRate)
    {
        FromRate = fromRate;
        ToRate = toRate;
        _filter = Filters.GetOrAdd((fromRate, toRate), static key => Filter.Design(key.From, key.To));
        _buffer = new float[_filter.Taps + ChunkSamples];
        // Silence before the first sample, so the first outputs have a full filter's worth of history.
        _bufferCount = _filter.Half - 1;
        _bufferStart = -_bufferCount;
    }

    public int FromRate { get; }

    public int ToRate { get; }

    /// <summary>The most samples one <see cref="Process"/> call can write for <paramref name="inputSamples"/> input samples.</summary>
    public int MaxOutput(int inputSamples) => (int)(((long)inputSamples * _filter.Up + _filter.Down - 1) / _filter.Down) + 1;

    /// <summary>
    /// Takes the next <paramref name="input"/> samples of the stream and writes every output sample they complete into
    /// <paramref name="output"/>, which must have room for <see cref="MaxOutput"/>; returns how many were written.
    /// </summary>
    public int Process(ReadOnlySpan<short> input, Span<short> output)
    {
        if (output.Length < MaxOutput(input.Length)) throw new ArgumentException($"Room for {output.Length} samples, up to {MaxOutput(input.Length)} needed.", nameof(output));
        if (_filter.Up == _filter.Down)
        {
            input.CopyTo(output);
            return input.Length;
        }

        var written = Emit(output);
        while (!input.IsEmpty)
        {
            Compact();
            var take = Math.Min(input.Length, _buffer.Length - _bufferCount);
            Pcm16.ToFloat(input[..take], _buffer.AsSpan(_bufferCount, take));
            _bufferCount += take;
            input = input[take..];
            written += Emit(output[written..]);
        }

        return written;
    }

    /// <summary>
    /// Converts a whole recording (synthesized speech to the client's rate); the output holds
    /// <c>ceil(input.Length * toRate / fromRate)</c> samples, the last ones completed with silence after the end.
    /// </summary>
    public static short[] Resample(ReadOnlySpan<short> input, int fromRate, int toRate)
    {
        if (fromRate == toRate) return input.ToArray();
        var resampler = new Resampler(fromRate, toRate);
        var filter = resampler._filter;
        var length = (int)(((long)input.Length * filter.Up + filter.Down - 1) / filter.Down);
        Span<short> tail = stackalloc short[filter.Half + 1];
        var output = new short[resampler.MaxOutput(input.Length) + resampler.MaxOutput(tail.Length)];
        var written = resampler.Process(input, output);
        resampler.Process(tail, output.AsSpan(written));
        return output[..length];
    }

    private int Emit(Span<short> output)
    {
        var filter = _filter;
        var end = _bufferStart + _bufferCount;
        var written = 0;
        while (true)
        {
            var position = _next * filter.Down;
            var index = position / filter.Up;
            if (index + filter.Half >= end) return written;
            var phase = (int)(position - index * filter.Up);
            var offset = (int)(index - (filter.Half - 1) - _bufferStart);
            var sum = Dot(filter.Coefficients.AsSpan(phase * filter.Taps, filter.Taps), _buffer.AsSpan(offset, filter.Taps));
            output[written++] = Pcm16.ToShort(sum);
            _next++;
        }
    }

    // Drops the input no future output sample reaches, making room at the end of the buffer.
    private void Compact()
    {
        var needed = _next * _filter.Down / _filter.Up - (_filter.Half - 1);
        var drop = (int)Math.Clamp(needed - _bufferStart, 0, _bufferCount);
        if (drop == 0) return;
        _buffer.AsSpan(drop, _bufferCount - drop).CopyTo(_buffer);
        _bufferCount -= drop;
        _bufferStart += drop;
    }

    private static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        var sum = 0f;
        var i = 0;
        if (Vector.IsHardwareAccelerated && a.Length >= Vector<float>.Count)
        {
            var acc = Vector<float>.Zero;
            for (; i <= a.Length - Vector<float>.Count; i += Vector<float>.Count) acc += new Vector<float>(a[i..]) * new Vector<float>(b[i..]);
            sum = Vector.Sum(acc);
        }

        for (; i < a.Length; i++) sum += a[i] * b[i];
        return sum;
    }

    /// <summary>
    /// The filter for one ratio <c>Up / Down</c> (reduced): <see cref="Up"/> phases of <see cref="Taps"/> coefficients,
    /// phase <c>p</c> giving the output that lies <c>p / Up</c> of an input sample after an input sample.
    /// </summary>
    private sealed record Filter(int Up, int Down, int Taps, float[] Coefficients)
    {
        public int Half => Taps / 2;

        public static Filter Design(int fromRate, int toRate)
        {
            if (fromRate <= 0 || toRate <= 0) throw new ArgumentOutOfRangeException(nameof(fromRate), $"Sample rates must be positive: {fromRate} -> {toRate}.");
            var gcd = Gcd(fromRate, toRate);
            var up = toRate / gcd;
            var down = fromRate / gcd;
            if (up > MaxPhases) throw new ArgumentOutOfRangeException(nameof(toRate), $"{fromRate} -> {toRate} Hz needs {up} filter phases; at most {MaxPhases} are supported.");
            if (up == down) return new Filter(1, 1, 2, [0f, 1f]);

            // The cutoff in cycles per input sample, relative to the input's Nyquist frequency.
            var band = Cutoff * Math.Min(1.0, (double)toRate / fromRate);
            var half = (int)Math.Ceiling(ZeroCrossings / band);
            var taps = 2 * half;
            var coefficients = new float[up * taps];
            var window = new double[taps];
            for (var phase = 0; phase < up; phase++)
            {
                var sum = 0.0;
                for (var k = 0; k < taps; k++)
                {
                    var u = (double)phase / up + (half - 1 - k);
                    window[k] = band * Sinc(band * u) * Kaiser(u / half);
                    sum += window[k];
                }

                // Each phase sums to exactly 1, so a constant stays constant whatever the phase: no ripple at the output rate.
                for (var k = 0; k < taps; k++) coefficients[phase * taps + k] = (float)(window[k] / sum);
            }

            return new Filter(up, down, taps, coefficients);
        }

        private static double Sinc(double x) => x == 0 ? 1 : Math.Sin(Math.PI * x) / (Math.PI * x);

        private static double Kaiser(double x) => Math.Abs(x) > 1 ? 0 : BesselI0(KaiserBeta * Math.Sqrt(1 - x * x)) / BesselI0(KaiserBeta);

        private static double BesselI0(double x)
        {
            double sum = 1, term = 1;
            for (var k = 1; k < 50 && term > 1e-12 * sum; k++)
            {
                term *= x * x / (4.0 * k * k);
                sum += term;
            }

            return sum;
        }

        private static int Gcd(int a, int b) => b == 0 ? a : Gcd(b, a % b);
    }
}
