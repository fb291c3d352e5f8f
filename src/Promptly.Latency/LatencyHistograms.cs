using HdrHistogram;
using HdrHistogram.Utilities;

namespace Promptly.Latency;

/// <summary>
/// The one shape of latency histogram Promptly keeps: microseconds from 1 µs to 1 hour at 3 significant digits
/// (relative error ≤ 0.1%), so that any two of them merge with <see cref="HistogramBase.Add"/>.
/// </summary>
public static class LatencyHistograms
{
    public const long HighestTrackableMicroseconds = 3_600_000_000;
    public const int SignificantDigits = 3;

    public static LongHistogram Create() => new(HighestTrackableMicroseconds, SignificantDigits);

    /// <summary>
    /// A recorder of the same range and precision that any number of threads record into at once while one harvests
    /// interval histograms: its phaser guards only the harvest's swap, so the histogram under it takes concurrent
    /// writes, without which counts are lost against the total (and encoding such a histogram can throw).
    /// </summary>
    public static Recorder CreateRecorder() => HistogramFactory.With64BitBucketSize()
        .WithValuesFrom(1)
        .WithValuesUpTo(HighestTrackableMicroseconds)
        .WithPrecisionOf(SignificantDigits)
        .WithThreadSafeWrites()
        .WithThreadSafeReads()
        .Create();

    /// <summary>Records a duration in ms, clamped into the trackable range so an outlier can never throw.</summary>
    public static void RecordMs(HistogramBase histogram, double ms)
    {
        var micros = (long)Math.Round(ms * 1000);
        histogram.RecordValue(Math.Clamp(micros, 1, HighestTrackableMicroseconds));
    }

    public static double ValueAtPercentileMs(HistogramBase histogram, double percentile) =>
        histogram.TotalCount == 0 ? 0 : histogram.GetValueAtPercentile(percentile) / 1000.0;

    public static byte[] Encode(HistogramBase histogram)
    {
        var buffer = ByteBuffer.Allocate(histogram.GetNeededByteBufferCapacity());
        var length = histogram.EncodeIntoCompressedByteBuffer(buffer);
        // ByteBuffer exposes no public copy-out, so the encoded prefix is read back byte by byte (a few KB at most).
        var bytes = new byte[length];
        buffer.Position = 0;
        for (var i = 0; i < length; i++)
        {
            bytes[i] = buffer.Get();
        }
        return bytes;
    }

    public static HistogramBase Decode(byte[] bytes)
    {
        var buffer = ByteBuffer.Allocate(bytes);
        return HistogramEncoding.DecodeFromCompressedByteBuffer(buffer, 0);
    }
}
