using System.Text;
using System.Text.Json.Nodes;

namespace Promptly.Tests.Support.Fuzzing;

/// <summary>
/// A JSON text as a tree of raw pieces, so that a mutation can write what no serializer would: a lone surrogate escape,
/// a number past a double's range, a key twice, a string that is not escaped.
/// </summary>
public abstract record JsonShape
{
    /// <summary>A valid body, turned into pieces that can be mutated.</summary>
    public static JsonShape From(JsonNode? node) => node switch
    {
        JsonObject o => new ObjectShape([.. o.Select(p => (Quote(p.Key), From(p.Value)))]),
        JsonArray a => new ArrayShape([.. a.Select(From)]),
        null => new RawShape("null"),
        _ => new RawShape(node.ToJsonString()),
    };

    /// <summary>A JSON string literal of <paramref name="text"/>: anything but printable ASCII escaped, lone surrogates included.</summary>
    public static string Quote(string text)
    {
        var quoted = new StringBuilder(text.Length + 2).Append('"');
        foreach (var c in text)
        {
            if (c is '"' or '\\') quoted.Append('\\').Append(c);
            else if (c is >= ' ' and <= '~') quoted.Append(c);
            else quoted.Append($"\\u{(int)c:x4}");
        }

        return quoted.Append('"').ToString();
    }

    public abstract void Write(StringBuilder text);

    public string Text()
    {
        var text = new StringBuilder();
        Write(text);
        return text.ToString();
    }

    /// <summary>How many values the tree holds (this one included): the places a mutation can land.</summary>
    public abstract int Count { get; }

    /// <summary>This tree with its <paramref name="index"/>th value (pre-order, modulo <see cref="Count"/>) changed by <paramref name="change"/>.</summary>
    public JsonShape Change(int index, Func<JsonShape, JsonShape> change)
    {
        var target = index % Count;
        return ChangeAt(ref target, change);
    }

    private protected abstract JsonShape ChangeAt(ref int target, Func<JsonShape, JsonShape> change);

    private protected static JsonShape ChangeChild(JsonShape child, ref int target, Func<JsonShape, JsonShape> change) =>
        target < child.Count ? child.ChangeAt(ref target, change) : Skip(child, ref target);

    private static JsonShape Skip(JsonShape child, ref int target)
    {
        target -= child.Count;
        return child;
    }
}

/// <summary>A number, string, boolean or null, or any text at all, written as it is.</summary>
public sealed record RawShape(string Raw) : JsonShape
{
    public override int Count => 1;

    public override void Write(StringBuilder text) => text.Append(Raw);

    private protected override JsonShape ChangeAt(ref int target, Func<JsonShape, JsonShape> change) => change(this);
}

public sealed record ArrayShape(JsonShape[] Items) : JsonShape
{
    public override int Count { get; } = 1 + Items.Sum(i => i.Count);

    public override void Write(StringBuilder text)
    {
        text.Append('[');
        for (var i = 0; i < Items.Length; i++)
        {
            if (i > 0) text.Append(',');
            Items[i].Write(text);
        }

        text.Append(']');
    }

    private protected override JsonShape ChangeAt(ref int target, Func<JsonShape, JsonShape> change)
    {
        if (target-- == 0) return change(this);
        var items = new JsonShape[Items.Length];
        for (var i = 0; i < items.Length; i++) items[i] = ChangeChild(Items[i], ref target, change);
        return new ArrayShape(items);
    }
}

/// <param name="Members">Keys as raw string literals (quotes and escapes included), so that a key can be anything.</param>
public sealed record ObjectShape((string Key, JsonShape Value)[] Members) : JsonShape
{
    public override int Count { get; } = 1 + Members.Sum(m => m.Value.Count);

    public override void Write(StringBuilder text)
    {
        text.Append('{');
        for (var i = 0; i < Members.Length; i++)
        {
            if (i > 0) text.Append(',');
            text.Append(Members[i].Key).Append(':');
            Members[i].Value.Write(text);
        }

        text.Append('}');
    }

    private protected override JsonShape ChangeAt(ref int target, Func<JsonShape, JsonShape> change)
    {
        if (target-- == 0) return change(this);
        var members = new (string, JsonShape)[Members.Length];
        for (var i = 0; i < members.Length; i++) members[i] = (Members[i].Key, ChangeChild(Members[i].Value, ref target, change));
        return new ObjectShape(members);
    }
}
