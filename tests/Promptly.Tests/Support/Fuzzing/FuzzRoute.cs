using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Promptly.Http;

namespace Promptly.Tests.Support.Fuzzing;

/// <summary>
/// One route of the running server as the fuzzer sees it: its method, pattern, path parameters and the query
/// parameters it declares; read from the app's own endpoints, so that a route added later is fuzzed without a change here.
/// </summary>
public sealed record FuzzRoute(string Method, string Pattern, IReadOnlyList<string> PathParameters, IReadOnlyList<string> QueryNames)
{
    /// <summary>Methods whose requests carry a body.</summary>
    private static readonly string[] BodyMethods = ["POST", "PUT", "PATCH"];

    /// <summary>
    /// A valid body of each route that reads one, as a client would send it; null for a route that reads none. Every
    /// POST, PUT and PATCH route must be here (<see cref="Unknown"/>), so that its body is fuzzed from a valid one.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string?> ValidBodies = new Dictionary<string, string?>
    {
        ["POST /sessions"] = """{"concept_id":"oat_milk_v1","interview_type":"PRACTICE","candidate":"Ada"}""",
        ["POST /sessions/{id}/turns"] = """{"user_input":"I like it because it tastes fresh and creamy."}""",
        ["POST /sessions/{id}/end"] = null,
        ["POST /invitations"] = """{"concept_id":"customer_support_screening","candidate":"Grace"}""",
        ["POST /invitations/{token}/start"] = null,
        ["PUT /api/latency/budget/{interviewType}"] = """{"threshold_ms":1500,"severe_ms":4000}""",
        ["POST /api/latency/events"] = $$$"""
            [{"source":"ci","run_id":"build-812","timestamp":"{{{DateTimeOffset.UtcNow.AddHours(-1):O}}}","total_ms":412000,
              "phases":{"Plan":9000,"Build":250000,"Test":140000,"Lint":13000},"tags":{"branch":"main","attempt":2,"interview_type":"PRACTICE"}}]
            """,
    };

    public string Key => $"{Method} {Pattern}";

    public bool ReadsBody => BodyMethods.Contains(Method);

    /// <summary>The route's valid body to mutate, if it has one.</summary>
    public JsonShape? ValidBody => ValidBodies.GetValueOrDefault(Key) is { } body ? JsonShape.From(JsonNode.Parse(body)) : null;

    /// <summary>
    /// How often the route is picked: by how much input it reads, a body most. A query string is fuzzed as a whole, so
    /// parameters past the third add nothing; and a route that answers from every request's histogram (request
    /// metrics, several milliseconds a call) is picked a tenth as often, or it would take much of the run.
    /// </summary>
    public int Weight => Key == "GET /api/metrics/requests" ? 1 : 10 * (1 + PathParameters.Count + Math.Min(QueryNames.Count, 3) + (ValidBody is null ? 0 : 8));

    /// <summary>
    /// Every route the server maps that reads something a client sends, one per method: a path parameter, its query
    /// (a route that declares its query parameters refuses others) or a body. The one that reads nothing, the OpenAPI
    /// document, is left out: it is the same whatever is sent, and building it takes a hundred requests' time.
    /// </summary>
    public static IReadOnlyList<FuzzRoute> Discover(IServiceProvider services) =>
        [.. services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().Where(e => !StaticFiles.Serves(e))
            .SelectMany(e => (e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["GET"]).Select(method => (Endpoint: e, Route: new FuzzRoute(
                method,
                "/" + e.RoutePattern.RawText!.Trim('/'),
                [.. e.RoutePattern.Parameters.Select(p => p.Name)],
                [.. e.Metadata.GetOrderedMetadata<QueryParameters>().SelectMany(q => q.Names).Distinct()]))))
            .Where(r => r.Route.PathParameters.Count > 0 || r.Route.ReadsBody || r.Endpoint.Metadata.GetMetadata<QueryParameters>() is not null)
            .Select(r => r.Route)
            .DistinctBy(r => r.Key)
            .OrderBy(r => r.Key, StringComparer.Ordinal)];

    /// <summary>Routes that take a body but have no entry in <see cref="ValidBodies"/>.</summary>
    public static IEnumerable<FuzzRoute> Unknown(IEnumerable<FuzzRoute> routes) => routes.Where(r => r.ReadsBody && !ValidBodies.ContainsKey(r.Key));
}
