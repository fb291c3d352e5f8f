using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;

namespace Promptly.Http;

/// <summary>
/// JSON strings that cannot become .NET text: an escaped lone surrogate (<c>"\ud800"</c>, which JSON's grammar allows)
/// or raw bytes that are not UTF-8. Parsers pass both through; reading one as a string then throws
/// <see cref="InvalidOperationException"/>, which would answer 500 to what is the client's mistake.
/// </summary>
internal static class JsonText
{
    /// <summary>What is wrong with such a string, worded for a problem's detail.</summary>
    public const string Problem = "is not valid Unicode text (a lone surrogate escape such as \\ud800, or bytes that are not UTF-8)";

    /// <summary>
    /// Where the first string or property name under <paramref name="root"/> that cannot be read as text is
    /// (<c>$[0].source</c>, or <c>a property name in $[0]</c>); null when every one can.
    /// </summary>
    public static string? FindUnreadable(JsonElement root) => Find(root) switch
    {
        null => null,
        { IsName: true } name => $"a property name in ${name.Path}",
        { } value => $"${value.Path}",
    };

    /// <summary>
    /// Whether <see cref="JsonSerializer"/> refused a text because one of its strings cannot be read as text. It wraps the
    /// reader's <see cref="InvalidOperationException"/> like any value it could not convert; only the reader's own
    /// wording (with invariant globalization, always this) or the UTF-8 decoder's exception tells the two apart.
    /// </summary>
    public static bool IsUnreadableString(JsonException e) =>
        e.InnerException is InvalidOperationException inner
        && (inner.InnerException is DecoderFallbackException || inner.Message.Contains("UTF-16", StringComparison.Ordinal));

    // The path is built only on the way out of a failure, so a valid document costs a walk and no allocation.
    private static Unreadable? Find(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                return IsReadable(element) ? null : new Unreadable("", IsName: false);
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    if (Find(item) is { } inner) return inner with { Path = $"[{index}]{inner.Path}" };
                    index++;
                }

                return null;
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    if (!IsReadable(property)) return new Unreadable("", IsName: true);
                    if (Find(property.Value) is { } inner) return inner with { Path = $".{property.Name}{inner.Path}" };
                }

                return null;
            default:
                return null;
        }
    }

    // Unescaped text only has to be UTF-8; escaped text is unescaped to find a lone surrogate.
    private static bool IsReadable(JsonElement value)
    {
        var raw = JsonMarshal.GetRawUtf8Value(value);
        if (!raw.Contains((byte)'\\')) return Utf8.IsValid(raw);
        try
        {
            _ = value.GetString();
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private static bool IsReadable(JsonProperty property)
    {
        var raw = JsonMarshal.GetRawUtf8PropertyName(property);
        if (!raw.Contains((byte)'\\')) return Utf8.IsValid(raw);
        try
        {
            _ = property.Name;
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private readonly record struct Unreadable(string Path, bool IsName);
}
