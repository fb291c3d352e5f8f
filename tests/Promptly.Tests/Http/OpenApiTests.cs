using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Promptly.Tests.Support;

namespace Promptly.Tests.Http;

public sealed class OpenApiTests : ApiTestBase
{
    private async Task<JsonObject> DocumentAsync()
    {
        using var response = await Client.GetAsync("/openapi/v1.json");
        response.EnsureSuccessStatusCode();
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
    }

    [Fact]
    public async Task Document_ListsEveryMappedRoute()
    {
        var paths = (await DocumentAsync())["paths"]!.AsObject().Select(p => p.Key).ToHashSet();
        var mapped = Factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            // The pages and their files are no API.
            .Where(e => !StaticFiles.Serves(e) && e.Metadata.GetMetadata<IExcludeFromDescriptionMetadata>() is null)
            .Select(e => "/" + e.RoutePattern.RawText!.Trim('/'))
            // The document itself, and Prometheus's scrape endpoint (its text format is Prometheus's, documented there).
            .Where(p => p is not "/openapi/v1.json" and not "/metrics")
            .ToHashSet();

        Assert.Empty(mapped.Except(paths));
    }

    [Theory]
    [InlineData("/sessions/{id}/turns", "post", new[] { "200", "400", "404", "409", "413", "502", "503" })]
    [InlineData("/sessions", "post", new[] { "200", "400", "404", "409", "502", "503" })]
    [InlineData("/sessions/{id}", "get", new[] { "200", "404", "409" })]
    [InlineData("/sessions/{id}/graph", "get", new[] { "200", "404", "409" })]
    [InlineData("/invitations/{token}/start", "post", new[] { "200", "404", "409", "502" })]
    [InlineData("/concepts/{id}", "get", new[] { "200", "404" })]
    public async Task Route_ListsEveryAnswerItCanGive(string path, string method, string[] statuses)
    {
        var responses = (await DocumentAsync())["paths"]![path]![method]!["responses"]!.AsObject();

        Assert.All(statuses, status => Assert.True(responses.ContainsKey(status), $"{method.ToUpperInvariant()} {path} does not list {status}"));
    }

    [Fact]
    public async Task ProblemAnswers_AreProblemJson()
    {
        var notFound = (await DocumentAsync())["paths"]!["/sessions/{id}/turns"]!["post"]!["responses"]!["404"]!["content"]!.AsObject();

        Assert.Contains("application/problem+json", notFound.Select(c => c.Key));
    }

    [Fact]
    public async Task UnknownDocument_IsA404Problem()
    {
        using var response = await Client.GetAsync("/openapi/v2.json");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}
