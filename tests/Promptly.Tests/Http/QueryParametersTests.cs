using System.Net;
using System.Text.Json.Nodes;
using Promptly.Tests.Support;

namespace Promptly.Tests.Http;

public sealed class QueryParametersTests : ApiTestBase
{
    [Theory]
    [InlineData("/api/latency-analytics/bottlenecks?threshold=300", "threshold", "threshold_ms")]
    [InlineData("/api/latency/slow?hour=1", "hour", "hours")]
    [InlineData("/concepts?verbose=1", "verbose", null)]
    public async Task UnknownParameter_BadRequestListingTheKnownOnes(string path, string unknown, string? known)
    {
        using var response = await Client.GetAsync(path);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Contains($"'{unknown}'", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        var listed = problem["known_parameters"]!.AsArray().Select(n => n!.GetValue<string>()).ToList();
        if (known is null) Assert.Empty(listed);
        else Assert.Contains(known, listed);
    }

    [Theory]
    [InlineData("/api/latency-analytics/bottlenecks?threshold_ms=300&days=2")]
    [InlineData("/api/latency/slow?HOURS=1")]
    [InlineData("/concepts")]
    public async Task KnownParameters_Served(string path)
    {
        using var response = await Client.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
