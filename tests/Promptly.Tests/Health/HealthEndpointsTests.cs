using System.Net;
using System.Text.Json.Nodes;
using Promptly.Tests.Support;

namespace Promptly.Tests.Health;

/// <summary><c>GET /health</c>: 200 after a query to the database, 503 (and why) while the database fails.</summary>
public sealed class HealthEndpointsTests : IAsyncLifetime
{
    private readonly PromptlyFactory _factory = PromptlyFactory.WithFailingStore();
    private HttpClient _client = null!;

    public Task InitializeAsync()
    {
        _client = _factory.CreateClient();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _factory.DisposeAsync();

    [Fact]
    public async Task Health_DatabaseAnswers_200Ok()
    {
        var (status, report) = await HealthAsync();

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("ok", report["status"]!.GetValue<string>());
        Assert.Equal("ok", report["database"]!.GetValue<string>());
        Assert.Equal("scripted", report["interviewer"]!.GetValue<string>());
        Assert.True(report["database_check_ms"]!.GetValue<double>() >= 0);
    }

    [Fact]
    public async Task Health_DatabaseFails_503UnhealthyWithTheCause()
    {
        _factory.FailingStore.Failing = true;

        var (status, report) = await HealthAsync();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Equal("unhealthy", report["status"]!.GetValue<string>());
        Assert.Equal($"failing: {FailingInterviewStore.Cause}", report["database"]!.GetValue<string>());
    }

    [Fact]
    public async Task Health_DatabaseBackAfterFailing_200Again()
    {
        _factory.FailingStore.Failing = true;
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await HealthAsync()).Status);
        _factory.FailingStore.Failing = false;

        var (status, report) = await HealthAsync();

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("ok", report["database"]!.GetValue<string>());
    }

    private async Task<(HttpStatusCode Status, JsonObject Report)> HealthAsync()
    {
        using var response = await _client.GetAsync("/health");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject());
    }
}
