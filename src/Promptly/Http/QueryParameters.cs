namespace Promptly.Http;

/// <summary>Query parameters a route reads; a route may carry several (its group's and its own), which add up.</summary>
internal sealed record QueryParameters(IReadOnlyList<string> Names);

internal static class QueryParameterConventions
{
    /// <summary>Declares the query parameters a route reads.</summary>
    public static TBuilder WithQuery<TBuilder>(this TBuilder builder, params string[] names) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new QueryParameters(names));

    /// <summary>Routes of this group are checked by <see cref="UnknownQueryParameters"/>: they read only what they declare.</summary>
    public static RouteGroupBuilder RejectUnknownQueryParameters(this RouteGroupBuilder group) => group.WithQuery();
}

/// <summary>
/// Refuses, with a 400 that lists the known ones, a query parameter that the route does not read: a misspelt or
/// misremembered one (<c>?threshold=300</c> for <c>threshold_ms</c>) would otherwise be ignored silently and the answer
/// taken for what was asked. Routes that declare nothing (<see cref="QueryParameters"/>) are left alone.
/// </summary>
internal sealed class UnknownQueryParameters(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context)
    {
        var declared = context.GetEndpoint()?.Metadata.GetOrderedMetadata<QueryParameters>();
        if (declared is not { Count: > 0 } || context.Request.Query.Count == 0) return next(context);

        var known = declared.SelectMany(q => q.Names).Order(StringComparer.Ordinal).ToArray();
        foreach (var name in context.Request.Query.Keys)
        {
            if (known.Contains(name, StringComparer.OrdinalIgnoreCase)) continue;
            var expected = known.Length == 0 ? "this route takes none" : $"known: {string.Join(", ", known)}";
            var problem = Problems.BadRequest("Invalid request", $"Unknown query parameter '{name}' ({expected}).", context);
            problem.Value.Extensions["known_parameters"] = known;
            return problem.ExecuteAsync(context);
        }

        return next(context);
    }
}
