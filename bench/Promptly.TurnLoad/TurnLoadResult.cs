using System.Globalization;
using System.Text;
using HdrHistogram;

namespace Promptly.TurnLoad;

internal sealed record TurnLoadResult(TurnLoadOptions Options, TimeSpan Elapsed, WorkerTally Tally, IReadOnlyList<Acknowledged> Acknowledged)
{
    public double TurnsPerSecond => Tally.Turns / Elapsed.TotalSeconds;

    public string Format()
    {
        var text = new StringBuilder();
        var c = CultureInfo.InvariantCulture;
        text.AppendLine(c, $"turns            {Tally.Turns} in {Elapsed.TotalSeconds:0.0} s = {TurnsPerSecond:0} turns/s ({Tally.Sessions} sessions started while measuring)");
        text.AppendLine(c, $"client latency   {Line(Tally.Client)}");
        text.AppendLine(c, $"server response  {Line(Tally.Server)}");
        text.AppendLine(c, $"server overhead  {Line(Tally.Overhead)}   (response_time_ms - ai_processing_time_ms)");
        text.AppendLine(c, $"errors           {(Tally.Errors.Count == 0 ? "none" : string.Join(", ", Tally.Errors.Select(e => $"{e.Key}: {e.Value}")))}");
        return text.ToString();
    }

    private static string Line(LongHistogram h) => string.Create(CultureInfo.InvariantCulture,
        $"p50 {Ms(h, 50)}  p90 {Ms(h, 90)}  p99 {Ms(h, 99)}  p99.9 {Ms(h, 99.9)}  max {h.GetMaxValue() / 1000.0:0.000} ms");

    private static string Ms(LongHistogram h, double p) => (h.GetValueAtPercentile(p) / 1000.0).ToString("0.000", CultureInfo.InvariantCulture);
}
