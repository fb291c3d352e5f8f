using System.Text;
using CsCheck;

namespace Promptly.Tests.Support.Fuzzing;

/// <summary>
/// Random and mutated query strings and path segments: a route's own parameters with valid, out-of-range and malformed
/// values, parameters it does not read, names twice, escapes that decode to bytes that are not UTF-8.
/// </summary>
public static class UrlGens
{
    /// <summary>Values that make sense for the query parameters the server reads, by name.</summary>
    private static readonly Dictionary<string, string[]> ValidValues = new()
    {
        ["hours"] = ["1", "24", "0.5", "9600"],
        ["days"] = ["1", "7", "30", "3650"],
        ["from"] = [$"{DateTimeOffset.UtcNow.AddDays(-1):O}", "2026-11-24T09:00:00Z", "2026-11-24"],
        ["to"] = [$"{DateTimeOffset.UtcNow:O}", "2026-11-25T09:00:00+02:00"],
        ["limit"] = ["1", "50", "1000"],
        ["interview_type"] = ["PRACTICE", "INVITED", "practice"],
        ["channel"] = ["text", "voice", "VOICE"],
        ["source"] = ["ci", "interview", "voice"],
        ["threshold_ms"] = ["500", "0.001"],
        ["interval"] = ["day", "hour", "HOUR"],
        ["format"] = ["json", "csv", "md", "markdown"],
        ["type"] = ["LatencyViolation"],
    };

    /// <summary>Values no parameter takes: out of range, too precise, past the calendar, not numbers, empty, very long.</summary>
    private static readonly Gen<string> OddValue = Weighted.Of(
        (6, Gen.OneOf("", " ", "-1", "0", "-0", "1e308", "1e400", "NaN", "Infinity", "-Infinity", "99999999999999999999", "2147483648", "0x10", "1,5",
            "0001-01-01", "0001-01-01T00:00:00Z", "0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59.9999999Z", "9999-12-31T23:59:59-14:00",
            "9999-12-31", "2026-02-30", "yesterday", "true", "null", "[]", "PRACTICE,INVITED", "text|voice")),
        (3, Gen.Char.Array[1, 20].Select(c => new string(c))),
        (1, Gen.Int[500, 5_000].Select(n => new string('9', n))));

    /// <summary>Names no route reads, and near misses of the ones they do.</summary>
    private static readonly Gen<string> UnknownName = Gen.OneOf("threshold", "hour", "day", "limits", "HOURS", "Days", "x", "", "a b", "é", "from[]", "to%00");

    /// <summary>Raw pieces of a query string that no encoder writes: a lone %, escapes of bytes that are not UTF-8, stray separators.</summary>
    private static readonly Gen<string> RawPiece = Gen.OneOf("%", "%F", "%zz", "%FF", "%C0%80", "%ED%A0%80", "%00", "&&", "==", "=", "&=", "+", "%2B%2B", "a=b=c", ";");

    /// <summary>
    /// Path segments no route has a value for: unknown, empty, dot segments, escaped slashes, very long, not UTF-8. Never
    /// an escaped NUL: the in-memory host throws on it in the client, and Kestrel refuses it before the app sees it.
    /// </summary>
    public static readonly Gen<string> OddSegment = Weighted.Of(
        (4, Gen.OneOf("nope", "x", " ", "..", ".", "%2F", "a%2Fb", "%ED%A0%80", "%FF", "-1", "0", "2147483648", "99999999999999999999", "1.5",
            "PRACTICE%20", "practice", "v2", "%25")),
        (2, Gen.Char.Array[1, 24].Select(c => Escape(new string(c).Replace('\0', '0')))),
        (1, Gen.Int[300, 3_000].Select(n => new string('s', n))));

    /// <summary>A query string (without the <c>?</c>) for a route that reads <paramref name="names"/>.</summary>
    public static Gen<string> Query(IReadOnlyList<string> names)
    {
        var known = names.Count == 0 ? Gen.Const("x") : Gen.OneOf([.. names]);
        var value = Weighted.Of((3, known.SelectMany(ValidValue)), (3, OddValue.Select(Escape)), (1, RawPiece));
        var pair = Weighted.Of(
            (8, Gen.Select(known, value, (n, v) => $"{n}={v}")),
            (1, Gen.Select(UnknownName, value, (n, v) => $"{Escape(n)}={v}")),
            (1, RawPiece));
        return Weighted.Of(
            (1, Gen.Const("")),
            (8, pair.Array[1, 4].Select(pairs => string.Join('&', pairs))),
            (1, Gen.Char.Array[1, 30].Select(c => Escape(new string(c)))));
    }

    /// <summary>Percent-encodes the UTF-8 of <paramref name="text"/>, a lone surrogate as the three bytes a lax encoder would write.</summary>
    public static string Escape(string text)
    {
        var escaped = new StringBuilder();
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '~') escaped.Append(c);
            else if (char.IsSurrogatePair(text, i))
            {
                foreach (var b in Encoding.UTF8.GetBytes(text.Substring(i++, 2))) escaped.Append($"%{b:X2}");
            }
            else if (char.IsSurrogate(c)) escaped.Append($"%{0xE0 | (c >> 12):X2}%{0x80 | ((c >> 6) & 0x3F):X2}%{0x80 | (c & 0x3F):X2}");
            else
            {
                foreach (var b in Encoding.UTF8.GetBytes(c.ToString())) escaped.Append($"%{b:X2}");
            }
        }

        return escaped.ToString();
    }

    private static Gen<string> ValidValue(string name) =>
        ValidValues.TryGetValue(name, out var values) ? Gen.OneOf(values).Select(Escape) : OddValue.Select(Escape);
}
