using System.Globalization;
using System.Text;
using CsCheck;

namespace Promptly.Tests.Support.Fuzzing;

/// <summary>
/// Random and mutated JSON bodies: a valid body with values of the wrong type, numbers past every range, deep nesting,
/// fields added, doubled or dropped, lone surrogates, very long strings, then perhaps bytes that are not UTF-8 or a
/// text cut short; and bodies that are not JSON at all.
/// </summary>
public static class JsonGens
{
    // Static fields are set in the order written: each generator comes after those it is made of.

    // Bodies just over the server's 1 MiB limit come from this, so some are refused for their size.
    private const int HttpLimit = 1024 * 1024;

    /// <summary>Numbers as written in JSON, and some a client may write that JSON does not allow.</summary>
    public static readonly Gen<string> Number = Weighted.Of(
        (3, Gen.OneOf("0", "-0", "1", "-1", "0.5", "1.5", "2", "20", "1000", "1500", "4000", "604800000", "604800001", "2147483647", "2147483648",
            "-2147483649", "9007199254740993", "123456789012345678901234567890", "1e308", "1e309", "-1e400", "1E-400", "0.0000001", "5e-324",
            "NaN", "Infinity", "-Infinity", "01", "1.", ".5", "+1", "0x10", "1e", "--1")),
        (2, Gen.Double.Select(d => d.ToString("R", CultureInfo.InvariantCulture))),
        (2, Gen.Long.Select(l => l.ToString(CultureInfo.InvariantCulture))));

    /// <summary>Words the server knows, so that a mutated body still gets past its first checks now and then.</summary>
    public static readonly Gen<string> KnownWord = Gen.OneOf(
        "oat_milk_v1", "software_engineer_practice", "customer_support_screening", "PRACTICE", "INVITED", "practice", "ci", "interview", "voice",
        "text", "start", "end_turn", "skip_question", "end_interview", "I like it because it tastes fresh.", "2026-11-24T09:00:00Z",
        "0001-01-01T00:00:00Z", "9999-12-31T23:59:59.9999999Z", "9999-12-31T23:59:59-14:00", "2026-02-30T00:00:00Z", "yesterday", "interview_type");

    /// <summary>
    /// String literals (quotes included): known words, random text, lone surrogates, control characters, long text, and
    /// now and then text past the body limit.
    /// </summary>
    public static readonly Gen<string> String = Weighted.Of(
        (800, KnownWord.Select(JsonShape.Quote)),
        (800, Gen.Char.Array[0, 40].Select(c => JsonShape.Quote(new string(c)))),
        (600, Gen.OneOf("\"\\ud800\"", "\"\\udc00\"", "\"a\\ud83d\"", "\"\\udc00\\ud800\"", "\"x\\uDBFF\\u0041\"", "\"\\ud800\\ud800\"")),
        (200, Gen.OneOf("\"\"", "\"   \"", "\"\\u0000\"", "\"tab\there\"", "\"\u0001raw control\"", "\"unterminated", "'single'", "\"\\x41\"", "\"\\u12\"")),
        (60, Gen.Int[1_000, 20_000].Select(Long)),
        (1, Gen.Int[0, 5].Select(n => Long(HttpLimit + n))));

    private static readonly Gen<JsonShape> Scalar = Weighted.Of(
        (3, Number.Select(n => (JsonShape)new RawShape(n))),
        (3, String.Select(s => (JsonShape)new RawShape(s))),
        (1, Gen.OneOf("true", "false", "null", "tru", "nul", "undefined", "").Select(s => (JsonShape)new RawShape(s))));

    /// <summary>A key of an object, raw: a field some route reads, or anything.</summary>
    public static readonly Gen<string> Key = Weighted.Of(
        (3, Gen.OneOf("concept_id", "interview_type", "candidate", "user_input", "threshold_ms", "severe_ms", "source", "run_id", "timestamp",
            "total_ms", "phases", "tags", "events", "type", "sample_rate", "text").Select(JsonShape.Quote)),
        (2, String));

    /// <summary>Values of every kind, nested a few levels.</summary>
    public static readonly Gen<JsonShape> Value = ValueOf(depth: 3);

    /// <summary>Mutations of one value of a tree: another value, an edited object or array, deep nesting.</summary>
    private static readonly Gen<Func<JsonShape, JsonShape>> Mutation = Weighted.Of(
        (4, Value.Select(v => (Func<JsonShape, JsonShape>)(_ => v))),
        (3, Gen.Select(Gen.Int[0, 100], Key, Value, Gen.Int[0, 3], EditObject)),
        (1, Gen.Select(Gen.Int[0, 100], Gen.Int[0, 30], Gen.Int[0, 2], EditArray)),
        (1, Gen.Select(Weighted.Of((6, Gen.Int[1, 80]), (1, Gen.Int[80, 1_000])), Gen.Bool, Nest)));

    /// <summary>Bytes written where they do not belong: not UTF-8, an encoded surrogate, NUL, a stray quote or brace.</summary>
    private static readonly Gen<byte[]> Stray = Weighted.Of(
        (3, Gen.OneOf<byte[]>([0xFF], [0xC0, 0x80], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0x80], [0xC3], [0xE2, 0x82], [0x00], [0xEF, 0xBB, 0xBF])),
        (1, Gen.OneOf<byte[]>("\""u8.ToArray(), "}"u8.ToArray(), "]"u8.ToArray(), ","u8.ToArray(), "\\"u8.ToArray(), "\\u"u8.ToArray())),
        (1, Gen.Byte.Array[1, 8]));

    private static readonly Gen<Func<byte[], byte[]>> ByteMutation = Weighted.Of(
        (3, Gen.Select(Gen.Int[0, int.MaxValue], Gen.Bool, Stray, Insert)),
        (2, Gen.Int[0, int.MaxValue].Select(at => (Func<byte[], byte[]>)(b => b[..(b.Length == 0 ? 0 : at % b.Length)]))),
        (1, Gen.Select(Gen.Int[0, int.MaxValue], Gen.Byte, (at, value) => (Func<byte[], byte[]>)(b => Overwrite(b, at, value)))),
        (1, Gen.Select(Gen.Int[0, int.MaxValue], Gen.Int[1, 64], (at, length) => (Func<byte[], byte[]>)(b => Remove(b, at, length)))));

    /// <summary>Bodies made from <paramref name="valid"/> (null: a route that reads no body, sent anything).</summary>
    public static Gen<byte[]> Body(JsonShape? valid)
    {
        var seed = valid ?? new ObjectShape([]);
        var mutated = Gen.Select(Gen.Int[0, int.MaxValue], Mutation, (at, change) => (at, change)).Array[1, 3]
            .Select(changes => changes.Aggregate(seed, (shape, c) => shape.Change(c.at, c.change)));
        var bytes = Weighted.Of(
            (1, Gen.Const(seed)),
            (8, mutated)).Select(shape => Encoding.UTF8.GetBytes(shape.Text()));
        return Weighted.Of(
            (6, bytes),
            (3, Gen.Select(bytes, ByteMutation.Array[1, 3], (b, changes) => changes.Aggregate(b, (body, change) => change(body)))),
            (1, Value.Select(v => Encoding.UTF8.GetBytes(v.Text()))),
            (1, Gen.Byte.Array[0, 600]),
            (1, Gen.OneOf<byte[]>([], " "u8.ToArray(), "null"u8.ToArray(), "{"u8.ToArray(), "[]"u8.ToArray(), "[{}]"u8.ToArray())));
    }

    private static Gen<JsonShape> ValueOf(int depth)
    {
        if (depth == 0) return Scalar;
        var inner = ValueOf(depth - 1);
        return Weighted.Of(
            (6, Scalar),
            (1, inner.Array[0, 4].Select(items => (JsonShape)new ArrayShape(items))),
            (1, Gen.Select(Key, inner).Array[0, 4].Select(members => (JsonShape)new ObjectShape(members))));
    }

    /// <summary>On an object: drops, doubles, renames or adds a member; on anything else: adds a member to an object made of it.</summary>
    private static Func<JsonShape, JsonShape> EditObject(int pick, string key, JsonShape value, int how) => shape =>
    {
        if (shape is not ObjectShape { Members.Length: > 0 } o) return new ObjectShape([(key, value)]);
        var at = pick % o.Members.Length;
        var members = o.Members.ToList();
        switch (how)
        {
            case 0:
                members.RemoveAt(at);
                break;
            case 1:
                members.Insert(at, (members[at].Key, value));
                break;
            case 2:
                members[at] = (key, members[at].Value);
                break;
            default:
                members.Insert(at, (key, value));
                break;
        }

        return new ObjectShape([.. members]);
    };

    /// <summary>On an array: drops an item, repeats one up to 30 times, or empties it; on anything else: an array of it.</summary>
    private static Func<JsonShape, JsonShape> EditArray(int pick, int times, int how) => shape =>
    {
        if (shape is not ArrayShape { Items.Length: > 0 } a) return new ArrayShape([shape]);
        var at = pick % a.Items.Length;
        return how switch
        {
            0 => new ArrayShape([.. a.Items.Where((_, i) => i != at)]),
            1 => new ArrayShape([.. a.Items, .. Enumerable.Repeat(a.Items[at], times)]),
            _ => new ArrayShape([]),
        };
    };

    /// <summary>The value wrapped in <paramref name="depth"/> arrays or objects: past every parser's depth limit at the deep end.</summary>
    private static Func<JsonShape, JsonShape> Nest(int depth, bool arrays) => shape =>
    {
        for (var i = 0; i < depth; i++) shape = arrays ? new ArrayShape([shape]) : new ObjectShape([("\"a\"", shape)]);
        return shape;
    };

    private static string Long(int length) => $"\"{new string('a', length)}\"";

    /// <summary>Inserts at a random place, or just inside a string (after a quote), where a decoder looks hardest.</summary>
    private static Func<byte[], byte[]> Insert(int at, bool inString, byte[] stray) => body =>
    {
        var position = body.Length == 0 ? 0 : at % (body.Length + 1);
        if (inString)
        {
            var quotes = body.AsSpan().Count((byte)'"');
            if (quotes > 0) position = AfterQuote(body, at % quotes);
        }

        return [.. body[..position], .. stray, .. body[position..]];
    };

    private static int AfterQuote(byte[] body, int nth)
    {
        for (var i = 0; ; i++)
        {
            if (body[i] == (byte)'"' && nth-- == 0) return i + 1;
        }
    }

    private static byte[] Overwrite(byte[] body, int at, byte value)
    {
        if (body.Length == 0) return [value];
        var copy = (byte[])body.Clone();
        copy[at % copy.Length] = value;
        return copy;
    }

    private static byte[] Remove(byte[] body, int at, int length)
    {
        if (body.Length == 0) return body;
        var start = at % body.Length;
        return [.. body[..start], .. body[Math.Min(body.Length, start + length)..]];
    }
}
