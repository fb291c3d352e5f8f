using System.Buffers;

namespace Promptly.Latency;

/// <summary>
/// The stored form of a digest's histogram: only its non-empty buckets, as (value step, count) pairs of LEB128
/// varints. A day of one phase takes a few hundred bytes to a few KB, and decoding is a tight loop that adds each
/// bucket into the query's histogram, with no inflating and no full-size array per stored row.
/// </summary>
internal static class DigestCodec
{
    private const byte Version = 1;

    public static byte[] Encode(LogLinearHistogram? histogram)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        buffer.GetSpan(1)[0] = Version;
        buffer.Advance(1);
        if (histogram is null) return buffer.WrittenSpan.ToArray();

        long previous = 0;
        foreach (var (lowest, _, count) in histogram.Buckets())
        {
            // Each value is the lowest of its bucket, so recording it again lands in the same bucket.
            WriteVarint(buffer, lowest - previous);
            WriteVarint(buffer, count);
            previous = lowest;
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <exception cref="InvalidDataException">The bytes are not a digest this version wrote.</exception>
    public static void Decode(ReadOnlySpan<byte> encoded, LogLinearHistogram into)
    {
        // Everything is checked before anything is added, so a corrupt row leaves the query's histogram untouched,
        // and the histogram grows once, to the range the row covers.
        var (low, high) = Check(encoded, into.HighestValue);
        if (high < 0) return;
        into.ReserveValues(low, high);
        var position = 1;
        long value = 0;
        while (position < encoded.Length)
        {
            value += ReadVarint(encoded, ref position);
            into.Record(value, ReadVarint(encoded, ref position));
        }
    }

    /// <summary>The lowest and highest values of an encoded histogram (High -1 when it is empty), every pair checked.</summary>
    /// <exception cref="InvalidDataException">The bytes are not a histogram this version wrote.</exception>
    public static (long Low, long High) Check(ReadOnlySpan<byte> encoded, long highestValue)
    {
        CheckVersion(encoded);
        var position = 1;
        long value = 0;
        long low = -1;
        while (position < encoded.Length)
        {
            value += ReadVarint(encoded, ref position);
            var count = ReadVarint(encoded, ref position);
            if (value < 0 || value > highestValue || count <= 0)
            {
                throw new InvalidDataException($"A stored latency histogram holds {count} values of {value} ns, outside what a digest tracks.");
            }

            if (low < 0) low = value;
        }

        return (low, low < 0 ? -1 : value);
    }

    /// <summary>
    /// The buckets of several encoded histograms together, ascending, as (midpoint, count): a merge of their sorted
    /// pairs, with no count array. The histograms must have passed <see cref="Check"/>.
    /// </summary>
    public static IEnumerable<(double Midpoint, long Count)> Merged(IReadOnlyList<byte[]> encoded)
    {
        var positions = new int[encoded.Count];
        var values = new long[encoded.Count];
        var counts = new long[encoded.Count];
        for (var i = 0; i < encoded.Count; i++)
        {
            positions[i] = 1;
            counts[i] = NextPair(encoded[i], ref positions[i], ref values[i]);
        }

        while (true)
        {
            var lowest = long.MaxValue;
            for (var i = 0; i < counts.Length; i++)
            {
                if (counts[i] > 0 && values[i] < lowest) lowest = values[i];
            }

            if (lowest == long.MaxValue) yield break;

            // Each histogram writes the lowest value of its buckets, so equal values are the same bucket.
            long total = 0;
            for (var i = 0; i < counts.Length; i++)
            {
                if (counts[i] == 0 || values[i] != lowest) continue;
                total += counts[i];
                counts[i] = NextPair(encoded[i], ref positions[i], ref values[i]);
            }

            yield return (LogLinearHistogram.MidpointOf(lowest), total);
        }
    }

    // The next (value, count) pair, or a count of 0 at the end.
    private static long NextPair(byte[] encoded, ref int position, ref long value)
    {
        if (position >= encoded.Length) return 0;
        value += ReadVarint(encoded, ref position);
        return ReadVarint(encoded, ref position);
    }

    private static void CheckVersion(ReadOnlySpan<byte> encoded)
    {
        if (encoded.Length == 0 || encoded[0] != Version)
        {
            throw new InvalidDataException($"A stored latency histogram has an unknown format (version byte {(encoded.Length == 0 ? "missing" : encoded[0])}).");
        }
    }

    private static void WriteVarint(ArrayBufferWriter<byte> buffer, long value)
    {
        var span = buffer.GetSpan(10);
        var written = 0;
        var rest = (ulong)value;
        while (rest >= 0x80)
        {
            span[written++] = (byte)(rest | 0x80);
            rest >>= 7;
        }

        span[written++] = (byte)rest;
        buffer.Advance(written);
    }

    private static long ReadVarint(ReadOnlySpan<byte> encoded, ref int position)
    {
        ulong result = 0;
        var shift = 0;
        while (true)
        {
            if (position >= encoded.Length || shift > 63) throw new InvalidDataException("A stored latency histogram is truncated.");
            var b = encoded[position++];
            result |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80) return (long)result;
            shift += 7;
        }
    }
}
