using System.Net;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Promptly.Tests.Support;

namespace Promptly.Tests.Access;

/// <summary>
/// Every route in the route table, called by every wrong caller, refuses. A route added without being placed here
/// fails the first test, so a new route cannot ship without someone deciding who may call it.
/// </summary>
public sealed class RouteAccessTests : IClassFixture<RouteAccessTests.Server>
{
    private const string Public = "public";
    private const string Session = "session";
    private const string Operator = "operator";

    /// <summary>Who may call each route; anything not listed as public or session is the operators'.</summary>
    private static readonly Dictionary<string, string> Expected = new()
    {
        ["GET /"] = Public,
        ["GET /i/{token}"] = Public,
        ["GET /dashboard"] = Public,
        ["GET /health"] = Public,
        ["GET /concepts"] = Public,
        ["GET /concepts/{id}"] = Public,
        ["GET /openapi/v1.json"] = Public,
        ["POST /sessions"] = Public,
        ["GET /sessions"] = Operator,
        ["POST /invitations/{token}/start"] = Public,
        ["POST /sessions/{id}/turns"] = Session,
        ["GET /sessions/{id}"] = Session,
        ["POST /sessions/{id}/end"] = Session,
        ["GET /sessions/{id}/voice"] = Session,
        ["GET /sessions/{id}/latency"] = Operator,
        ["DELETE /sessions/{id}"] = Operator,
        ["GET /sessions/{id}/graph"] = Operator,
        ["GET /sessions/{id}/export"] = Operator,
        ["GET /sessions/{id}/turns/{questionNumber}/audio"] = Operator,
        ["POST /invitations"] = Operator,
        ["GET /invitations"] = Operator,
        ["GET /invitations/{token}"] = Operator,
        ["DELETE /invitations/{token}"] = Operator,
        ["GET /api/latency/slow"] = Operator,
        ["GET /api/latency/budget"] = Operator,
        ["PUT /api/latency/budget/{interviewType}"] = Operator,
        ["DELETE /api/latency/budget/{interviewType}"] = Operator,
        ["POST /api/latency/events"] = Operator,
        ["GET /api/latency/compliance"] = Operator,
        ["GET /api/latency-analytics/summary"] = Operator,
        ["GET /api/latency-analytics/by-phase"] = Operator,
        ["GET /api/latency-analytics/bottlenecks"] = Operator,
        ["GET /api/latency-analytics/trends"] = Operator,
        ["GET /api/latency-analytics/recommendations"] = Operator,
        ["GET /api/interviews/stats"] = Operator,
        ["GET /api/errors"] = Operator,
        ["GET /api/alerts"] = Operator,
        ["GET /api/metrics/requests"] = Operator,
        ["GET /api/diagnostics/memory"] = Operator,
        ["GET /metrics"] = Operator,
    };

    private readonly Server _server;

    public RouteAccessTests(Server server) => _server = server;

    public static TheoryData<string> Routes() => [.. Expected.Keys.Order()];

    [Fact]
    public void EveryRoute_IsPlaced_AndDeclaresThePolicyItIsPlacedUnder()
    {
        var routes = _server.Factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => !StaticFiles.Serves(e))
            .SelectMany(e => (e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["GET"]).Select(m => (Key: $"{m} /{e.RoutePattern.RawText!.Trim('/')}", Endpoint: e)))
            .ToList();

        Assert.DoesNotContain(routes, r => !Expected.ContainsKey(r.Key));
        Assert.All(_server.Factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.Where(e => e.Metadata.GetMetadata<Microsoft.AspNetCore.StaticAssets.StaticAssetDescriptor>() is not null),
            file => Assert.NotNull(file.Metadata.GetMetadata<IAllowAnonymous>()));
        foreach (var (key, endpoint) in routes)
        {
            var anonymous = endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null;
            var policies = endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>().Select(a => a.Policy).ToList();
            switch (Expected[key])
            {
                case Public:
                    Assert.True(anonymous, $"{key} should allow anonymous callers");
                    break;
                case Session:
                    Assert.False(anonymous, key);
                    Assert.Contains("session", policies);
                    break;
                default:
                    Assert.False(anonymous, key);
                    Assert.Contains("operator", policies);
                    break;
            }
        }
    }

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task WrongCallers_AreRefused(string route)
    {
        if (Expected[route] == Public) return;
        var (method, pattern) = (route[..route.IndexOf(' ')], route[(route.IndexOf(' ') + 1)..]);
        // A real session of somebody else, so a refusal cannot be a 404 in disguise.
        var path = pattern.Replace("{id}", _server.TheirSession).Replace("{token}", _server.Invitation).Replace("{interviewType}", "PRACTICE")
            .Replace("{questionNumber}", "1").Replace("{documentName}", "v1");

        Assert.Equal(HttpStatusCode.Unauthorized, await CallAsync(method, path, bearer: null));
        Assert.Equal(HttpStatusCode.Forbidden, await CallAsync(method, path, bearer: "wrong-key"));
        Assert.Equal(HttpStatusCode.Forbidden, await CallAsync(method, path, bearer: _server.MyToken));
        Assert.Equal(HttpStatusCode.Forbidden, await CallAsync(method, path, bearer: $"{_server.TheirSession}.forged-secret"));
    }

    private async Task<HttpStatusCode> CallAsync(string method, string path, string? bearer)
    {
        using var client = _server.Factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = bearer is null ? null : new AuthenticationHeaderValue("Bearer", bearer);
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method is "POST" or "PUT") request.Content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json");
        using var response = await client.SendAsync(request);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return response.StatusCode;
    }

    /// <summary>One server for every route's calls, with a session of "mine" (its token) and one of "theirs".</summary>
    public sealed class Server : IAsyncLifetime
    {
        // Wrong credentials are the point here: the limit on them must not turn the answers into 429s.
        public PromptlyFactory Factory { get; } = new(new() { ["RateLimits:FailedAuthPerAddress"] = "100000" });

        public string MyToken { get; private set; } = "";

        public string TheirSession { get; private set; } = "";

        public string Invitation { get; private set; } = "";

        public async Task InitializeAsync()
        {
            var operatorClient = Factory.CreateClient();
            MyToken = (await operatorClient.StartAsync())["token"]!.GetValue<string>();
            TheirSession = (await operatorClient.StartAsync()).Id();
            Invitation = (await operatorClient.PostJsonAsync("/invitations", new { concept_id = "oat_milk_v1" }))["token"]!.GetValue<string>();
        }

        public async Task DisposeAsync() => await Factory.DisposeAsync();
    }
}
