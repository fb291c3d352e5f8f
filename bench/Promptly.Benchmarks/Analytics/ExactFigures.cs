using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Promptly.Benchmarks.Analytics;

/// <summary>
/// The figures of a window computed the naive way, independently of the product: every row read with plain SQL,
/// every series sorted, percentiles by numpy's default (linear) definition.
/// </summary>
internal sealed class ExactFigures
{
    public required ExactSeries Total { get; init; }
    public required long WithinBudget { get; init; }
    public required long Failed { get; init; }
    public required IReadOnlyDictionary<string, ExactSeries> Phases { get; init; }

    /// <summary>Within budget: not failed and not over the threshold stored with the row.</summary>
    public static ExactFigures Read(string database, long fromMs, long toMs, string? interviewType)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = database, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText =
            "SELECT response_time_ms, failed, threshold_ms, phases FROM latency_records WHERE timestamp >= @from AND timestamp < @to AND (@type IS NULL OR interview_type = @type)";
        command.Parameters.AddWithValue("@from", fromMs);
        command.Parameters.AddWithValue("@to", toMs);
        command.Parameters.AddWithValue("@type", (object?)interviewType ?? DBNull.Value);

        var totals = new List<double>();
        var phases = new List<(string Name, List<double> Values)>();
        long within = 0, failed = 0;
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            var ms = reader.GetDouble(0);
            var isFailed = reader.GetInt64(1) != 0;
            totals.Add(ms);
            if (isFailed) failed++;
            else if (ms <= reader.GetDouble(2)) within++;
            AddPhases(reader.GetString(3), phases);
        }

        return new ExactFigures
        {
            Total = new ExactSeries(totals),
            WithinBudget = within,
            Failed = failed,
            Phases = phases.ToDictionary(p => p.Name, p => new ExactSeries(p.Values), StringComparer.Ordinal),
        };
    }

    /// <summary>A flat JSON object of numbers, <c>{"load":0.35,"ai":712.5}</c>, read without the product's reader.</summary>
    private static void AddPhases(string text, List<(string Name, List<double> Values)> phases)
    {
        var span = text.AsSpan();
        var position = 0;
        while (true)
        {
            var open = span[position..].IndexOf('"');
            if (open < 0) return;
            var nameStart = position + open + 1;
            var nameLength = span[nameStart..].IndexOf('"');
            var name = span.Slice(nameStart, nameLength);
            var valueStart = nameStart + nameLength + 2;
            var valueLength = span[valueStart..].IndexOfAny(',', '}');
            var value = double.Parse(span.Slice(valueStart, valueLength), NumberStyles.Float, CultureInfo.InvariantCulture);
            SeriesOf(phases, name).Add(value);
            position = valueStart + valueLength;
        }
    }

    private static List<double> SeriesOf(List<(string Name, List<double> Values)> phases, ReadOnlySpan<char> name)
    {
        foreach (var (known, values) in phases)
        {
            if (name.SequenceEqual(known)) return values;
        }

        var added = new List<double>();
        phases.Add((name.ToString(), added));
        return added;
    }
}

/// <summary>One series of durations, sorted.</summary>
internal sealed class ExactSeries
{
    private readonly double[] _sorted;

    public ExactSeries(List<double> values)
    {
        _sorted = [.. values];
        Array.Sort(_sorted);
        foreach (var value in _sorted) Sum += value;
        if (_sorted.Length == 0) return;
        var mean = Mean;
        var squares = 0.0;
        foreach (var value in _sorted) squares += (value - mean) * (value - mean);
        StdDev = Math.Sqrt(squares / _sorted.Length);
    }

    public long Count => _sorted.Length;
    public double Sum { get; }
    public double Mean => Sum / _sorted.Length;
    public double Min => _sorted[0];
    public double Max => _sorted[^1];

    /// <summary>Population standard deviation (numpy's default, ddof = 0).</summary>
    public double StdDev { get; }

    /// <summary>numpy.percentile's default: h = (n − 1)·q/100, linear between the order statistics around h.</summary>
    public double Percentile(double q)
    {
        var h = (_sorted.Length - 1) * (q / 100.0);
        var low = (int)Math.Floor(h);
        var high = Math.Min(low + 1, _sorted.Length - 1);
        return _sorted[low] + ((h - low) * (_sorted[high] - _sorted[low]));
    }
}
