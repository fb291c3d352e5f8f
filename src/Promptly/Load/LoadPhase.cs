using System.Globalization;
using System.Text.RegularExpressions;

namespace Promptly.Load;

/// <summary>One stretch of an open-model run: <see cref="Rate"/> requests per second, started on schedule, for <see cref="Duration"/>.</summary>
internal sealed partial record LoadPhase(string Name, TimeSpan Duration, double Rate)
{
    /// <summary>The highest rate any phase may ask for, so a typo cannot try to send a million requests a second.</summary>
    public const double MaxRate = 100_000;

    /// <summary>The longest a whole run may last, so a typo cannot run for days.</summary>
    public static readonly TimeSpan MaxTotalDuration = TimeSpan.FromHours(1);

    public const int MaxPhases = 100;

    /// <summary>The default run: a gentle warm-up, the load the deployment is sized for, then a peak.</summary>
    public const string DefaultPhases = "warm-up:10s@10,sustained:30s@50,peak:10s@100";

    /// <summary>How many requests the phase sends: one every 1/rate seconds from its start, the last before its end.</summary>
    public long RequestCount => (long)Math.Ceiling(Duration.TotalSeconds * Rate - 1e-9);

    /// <summary>
    /// Parses <c>name:duration@rate,…</c>, e.g. <c>warm-up:10s@10,peak:10s@100</c>; the name may be left out
    /// (<c>10s@10,30s@50</c>), and is then <c>phase1</c>, <c>phase2</c>, … by position. Any problem is one
    /// <see cref="CommandException"/>.
    /// </summary>
    public static IReadOnlyList<LoadPhase> ParseList(string text)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0) throw CommandException.Usage("--phases is empty; give e.g. 'warm-up:10s@10,sustained:30s@50'.");
        var phases = new List<LoadPhase>(parts.Length);
        foreach (var part in parts)
        {
            var match = PhasePattern().Match(part);
            if (!match.Success)
            {
                throw CommandException.Usage($"Phase '{part}' is not [name:]duration@rate (e.g. 'sustained:30s@50' or '30s@50').");
            }

            var name = match.Groups["name"].Success ? match.Groups["name"].Value.Trim() : $"phase{phases.Count + 1}";
            var rate = ParseRate(match.Groups["rate"].Value, $"phase '{name}'");
            phases.Add(Checked(name, ParseDuration(match.Groups["duration"].Value, $"phase '{name}'"), rate));
        }

        return CheckedList(phases);
    }

    /// <summary>A phase with its name, duration and rate checked.</summary>
    public static LoadPhase Checked(string name, TimeSpan duration, double rate)
    {
        if (!NamePattern().IsMatch(name)) throw CommandException.Usage($"Phase name '{name}' must be letters, digits, '-' or '_'.");
        if (duration <= TimeSpan.Zero || duration > MaxTotalDuration)
        {
            throw CommandException.Usage($"Phase '{name}' must last more than 0 s and at most {MaxTotalDuration.TotalHours:0} h.");
        }

        if (!(rate > 0) || rate > MaxRate) throw CommandException.Usage($"Phase '{name}' rate must be more than 0 and at most {MaxRate:0}/s, not {rate}.");
        if (duration.TotalSeconds * rate < 1) throw CommandException.Usage($"Phase '{name}' sends no request: {duration.TotalSeconds:0.###} s at {rate}/s.");
        return new LoadPhase(name, duration, rate);
    }

    /// <summary>Checks a list of phases as a whole: count, unique names, total duration.</summary>
    public static IReadOnlyList<LoadPhase> CheckedList(IReadOnlyList<LoadPhase> phases)
    {
        if (phases.Count == 0) throw CommandException.Usage("At least one phase is needed.");
        if (phases.Count > MaxPhases) throw CommandException.Usage($"At most {MaxPhases} phases, not {phases.Count}.");
        var duplicate = phases.GroupBy(p => p.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw CommandException.Usage($"Phase name '{duplicate.Key}' is used twice.");
        var total = phases.Aggregate(TimeSpan.Zero, (sum, p) => sum + p.Duration);
        if (total > MaxTotalDuration) throw CommandException.Usage($"The phases last {total.TotalMinutes:0.#} min; at most {MaxTotalDuration.TotalMinutes:0} min in all.");
        return phases;
    }

    /// <summary>Parses <c>500ms</c>, <c>10s</c>, <c>2m</c>, <c>1h</c>, or a bare number of seconds.</summary>
    public static TimeSpan ParseDuration(string text, string what)
    {
        var match = DurationPattern().Match(text.Trim());
        if (!match.Success || !double.TryParse(match.Groups["n"].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) || !double.IsFinite(n))
        {
            throw CommandException.Usage($"The duration of {what} must look like 500ms, 10s, 2m or 1h, not '{text}'.");
        }

        var seconds = match.Groups["unit"].Value switch
        {
            "ms" => n / 1000,
            "m" => n * 60,
            "h" => n * 3600,
            _ => n,
        };
        return seconds > MaxTotalDuration.TotalSeconds * 2 ? MaxTotalDuration * 2 : TimeSpan.FromSeconds(seconds);
    }

    /// <summary>Parses a rate in requests per second: <c>50</c> or <c>50/s</c>.</summary>
    public static double ParseRate(string text, string what)
    {
        var trimmed = text.Trim();
        if (trimmed.EndsWith("/s", StringComparison.Ordinal)) trimmed = trimmed[..^2];
        return double.TryParse(trimmed, NumberStyles.Float, CultureInfo.InvariantCulture, out var rate) && double.IsFinite(rate)
            ? rate
            : throw CommandException.Usage($"The rate of {what} must be a number of requests per second, not '{text}'.");
    }

    public override string ToString() => $"{Name}:{Duration.TotalSeconds:0.###}s@{Rate:0.###}";

    [GeneratedRegex(@"^((?<name>[^:@]+):)?(?<duration>[^:@]+)@(?<rate>.+)\z")]
    private static partial Regex PhasePattern();

    [GeneratedRegex(@"^[A-Za-z0-9_-]{1,40}\z")]
    private static partial Regex NamePattern();

    [GeneratedRegex(@"^(?<n>[0-9]+(\.[0-9]+)?)(?<unit>ms|s|m|h)?\z")]
    private static partial Regex DurationPattern();
}
