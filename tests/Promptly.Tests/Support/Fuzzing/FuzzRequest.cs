using System.Text;
using CsCheck;

namespace Promptly.Tests.Support.Fuzzing;

/// <summary>A value for a path parameter: one the server handed out (<see cref="Pick"/> into its pool), or <see cref="Odd"/>, already escaped.</summary>
public readonly record struct PathValue(int Pick, string? Odd);

/// <summary>One generated request; path values that name things the server made are looked up when it is sent.</summary>
/// <param name="OddMethod">A method the route does not take, instead of its own; null for its own.</param>
public sealed record FuzzRequest(FuzzRoute Route, string? OddMethod, PathValue[] Path, string Query, byte[]? Body, string? ContentType, string? Accept)
{
    /// <summary>Now and then a method no route takes (HEAD aside: its answers have no body to check).</summary>
    private static readonly Gen<string?> OddMethods = Gen.Frequency<string?>(
        (60, null), (1, "FOO"), (1, "get"), (1, "PROPFIND"), (1, "OPTIONS"), (1, "TRACE"), (1, "QUERY"), (1, "M-SEARCH"));

    private static readonly Gen<string?> ContentTypes = Gen.OneOf<string?>("application/json", "application/json; charset=utf-8", "text/plain", null);

    private static readonly Gen<string?> Accepts = Gen.Frequency<string?>((6, null), (1, "text/event-stream"), (1, "text/plain"));

    /// <summary>Requests to any of <paramref name="routes"/>, each picked by its <see cref="FuzzRoute.Weight"/>.</summary>
    public static Gen<FuzzRequest> For(IReadOnlyList<FuzzRoute> routes) =>
        Weighted.Of([.. routes.Select(r => (r.Weight, For(r)))]);

    private static Gen<FuzzRequest> For(FuzzRoute route)
    {
        var value = Weighted.Of(
            (8, Gen.Int[0, int.MaxValue].Select(pick => new PathValue(pick, null))),
            (2, UrlGens.OddSegment.Select(odd => new PathValue(0, odd))));
        var body = route.ReadsBody ? JsonGens.Body(route.ValidBody).Select(b => (byte[]?)b) : Gen.Const((byte[]?)null);
        return Gen.Select(OddMethods, value.Array[route.PathParameters.Count], UrlGens.Query(route.QueryNames), body, ContentTypes, Accepts,
            (method, path, query, bytes, type, accept) => new FuzzRequest(route, method, path, query, bytes, type, accept));
    }

    public string Method => OddMethod ?? Route.Method;

    /// <summary>Whether the request can only read: a GET, or a method the route does not take.</summary>
    public bool CannotWrite => OddMethod is not null || Route.Method == "GET";

    /// <summary>The request in a line, as a failure report shows it.</summary>
    public override string ToString()
    {
        var line = new StringBuilder($"{Method} {Route.Pattern} path=[{string.Join(", ", Path.Select(p => p.Odd ?? $"#{p.Pick}"))}]");
        if (Query.Length > 0) line.Append($" ?{Shorten(Query)}");
        if (Accept is not null) line.Append($" accept={Accept}");
        if (Body is not null) line.Append($" body({Body.Length} bytes, {ContentType ?? "no type"})={Show(Body)}");
        return line.ToString();
    }

    /// <summary>The first bytes of a body as text, bytes that are not printable ASCII as \xNN.</summary>
    public static string Show(byte[] bytes)
    {
        var text = new StringBuilder();
        foreach (var b in bytes.Take(300)) text.Append(b is >= 0x20 and < 0x7F ? (char)b : $"\\x{b:X2}");
        if (bytes.Length > 300) text.Append("…");
        return text.ToString();
    }

    private static string Shorten(string text) => text.Length > 300 ? text[..300] + "…" : text;
}
