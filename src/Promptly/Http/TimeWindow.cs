using System.Globalization;

namespace Promptly.Http;

/// <summary>The [from, to) window of a query: <c>hours=N</c> back from now, or explicit ISO 8601 <c>from</c>/<c>to</c>.</summary>
internal readonly record struct TimeWindow(DateTimeOffset From, DateTimeOffset To)
{
    /// <summary>The longest window accepted: 400 days, as long as anything is kept.</summary>
    public const double MaxHours = 400 * 24;

    /// <exception cref="ApiProblemException">400 for a malformed or impossible window.</exception>
    public static TimeWindow Parse(IQueryCollection query, double defaultHours, DateTimeOffset now)
    {
        var hoursText = query["hours"].ToString();
        var fromText = query["from"].ToString();
        var toText = query["to"].ToString();
        if (hoursText.Length > 0 && (fromText.Length > 0 || toText.Length > 0))
        {
            throw Problems.BadRequest("Give either 'hours' or 'from'/'to', not both.");
        }

        if (fromText.Length > 0 || toText.Length > 0)
        {
            var to = toText.Length > 0 ? ParseTime("to", toText) : now;
            var from = fromText.Length > 0 ? ParseTime("from", fromText) : to.AddHours(-defaultHours);
            if (from > to) throw Problems.BadRequest(Inverted(from, to, toGiven: toText.Length > 0));
            return new TimeWindow(from, to);
        }

        var hours = hoursText.Length > 0 ? ParsePositive("hours", hoursText, MaxHours) : defaultHours;
        return new TimeWindow(now.AddHours(-hours), now.AddTicks(1));
    }

    /// <summary>Why a window from <paramref name="from"/> to <paramref name="to"/> is inverted: after the 'to' given, or in the future when the window ends now.</summary>
    public static string Inverted(DateTimeOffset from, DateTimeOffset to, bool toGiven) => toGiven
        ? $"'from' ({from:O}) is after 'to' ({to:O})."
        : $"'from' ({from:O}) is in the future; a window without 'to' ends now ({to:O}).";

    /// <summary>Parses a positive number query parameter no larger than <paramref name="max"/>.</summary>
    public static double ParsePositive(string name, string text, double max)
    {
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value))
        {
            throw Problems.BadRequest($"'{name}' must be a number, not '{text}'.");
        }

        if (value <= 0 || value > max)
        {
            throw Problems.BadRequest($"'{name}' must be greater than 0 and at most {max.ToString(CultureInfo.InvariantCulture)}.");
        }

        return value;
    }

    /// <summary>Parses an integer query parameter in [1, max], or returns <paramref name="fallback"/> when absent.</summary>
    public static int ParseLimit(IQueryCollection query, string name, int fallback, int max)
    {
        var text = query[name].ToString();
        if (text.Length == 0) return fallback;
        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) || value < 1 || value > max)
        {
            throw Problems.BadRequest($"'{name}' must be a whole number from 1 to {max}, not '{text}'.");
        }

        return value;
    }

    /// <summary>
    /// The earliest time a query may name: nothing stored is older (times are stored as Unix milliseconds), and the
    /// calendar's first days are out of reach of a window's arithmetic (a default start days before, a trend's baseline).
    /// </summary>
    public static readonly DateTimeOffset EarliestTime = DateTimeOffset.UnixEpoch;

    /// <summary>The latest time a query may name, far enough from the calendar's end for a window to be widened to whole days.</summary>
    public static readonly DateTimeOffset LatestTime = new(9999, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Parses an ISO 8601 time query parameter (UTC when no offset is given) from <see cref="EarliestTime"/> to <see cref="LatestTime"/>.</summary>
    public static DateTimeOffset ParseTime(string name, string text)
    {
        if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var value))
        {
            throw Problems.BadRequest($"'{name}' must be an ISO 8601 time such as 2026-11-24T09:00:00Z, not '{text}'.");
        }

        return value >= EarliestTime && value < LatestTime
            ? value
            : throw Problems.BadRequest($"'{name}' must be from {EarliestTime:yyyy-MM-dd} to before {LatestTime:yyyy-MM-dd}, not '{text}'.");
    }
}
