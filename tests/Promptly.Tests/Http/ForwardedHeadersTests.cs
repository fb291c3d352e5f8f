using System.Net;
using Promptly.Tests.Support;

namespace Promptly.Tests.Http;

/// <summary>
/// <c>ForwardedHeaders</c>: behind a trusted balancer the limits per address count each client's own address (the one
/// the balancer appended to <c>X-Forwarded-For</c>); from anybody else the header is ignored, so a client cannot choose
/// the address it is counted as.
/// </summary>
public sealed class ForwardedHeadersTests
{
    // The balancer: every request reaches the server from it, as from nginx on the same machine.
    private static readonly IPAddress Balancer = IPAddress.Loopback;

    private static PromptlyFactory Server(Dictionary<string, string?> settings)
    {
        settings["RateLimits:WindowSeconds"] = "3600";
        return new PromptlyFactory(settings, services: PromptlyFactory.ConnectingFrom(Balancer));
    }

    /// <summary>A client without credentials whose requests the balancer forwards with <paramref name="forwardedFor"/>.</summary>
    private static HttpClient Client(PromptlyFactory server, string forwardedFor, string? bearer = null)
    {
        var client = server.CreateClient();
        client.DefaultRequestHeaders.Authorization = bearer is null ? null : new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", bearer);
        client.DefaultRequestHeaders.Add("X-Forwarded-For", forwardedFor);
        return client;
    }

    private static Task StartRefusedAsync(HttpClient client) =>
        client.PostJsonAsync("/sessions", new { concept_id = "oat_milk_v1" }, HttpStatusCode.TooManyRequests);

    [Theory]
    [InlineData("ForwardedHeaders:KnownProxies:0", "127.0.0.1")]
    [InlineData("ForwardedHeaders:KnownNetworks:0", "127.0.0.0/8")]
    [InlineData("ForwardedHeaders:KnownProxies", "10.0.0.5, 127.0.0.1")]
    public async Task TrustedProxy_EachForwardedAddress_GetsAStartWindowOfItsOwn(string setting, string value)
    {
        await using var server = Server(new() { [setting] = value, ["RateLimits:SessionStartsPerAddress"] = "2" });
        var first = Client(server, "203.0.113.1");

        await first.StartAsync();
        await first.StartAsync();
        await StartRefusedAsync(first);
        // nginx appends the address it saw to whatever the client sent: only that last entry counts.
        await StartRefusedAsync(Client(server, "198.51.100.7, 203.0.113.1"));
        await Client(server, "203.0.113.2").StartAsync();
    }

    [Fact]
    public async Task TrustedProxy_WrongCredentials_AreCountedPerForwardedAddress()
    {
        await using var server = Server(new() { ["ForwardedHeaders:KnownProxies:0"] = "127.0.0.1", ["RateLimits:FailedAuthPerAddress"] = "1" });
        var guesser = Client(server, "203.0.113.1", bearer: "guess");

        Assert.Equal(HttpStatusCode.Forbidden, (await guesser.GetAsync("/api/errors")).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await guesser.GetAsync("/api/errors")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await Client(server, "203.0.113.2", bearer: "mistyped").GetAsync("/api/errors")).StatusCode);
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData("ForwardedHeaders:KnownProxies:0", "10.0.0.5")]
    [InlineData("ForwardedHeaders:KnownNetworks:0", "10.0.0.0/8")]
    public async Task UntrustedSender_ForwardedFor_IsIgnored(string? setting, string? value)
    {
        var settings = new Dictionary<string, string?> { ["RateLimits:SessionStartsPerAddress"] = "2" };
        if (setting is not null) settings[setting] = value;
        await using var server = Server(settings);

        await Client(server, "203.0.113.1").StartAsync();
        await Client(server, "203.0.113.2").StartAsync();
        await StartRefusedAsync(Client(server, "203.0.113.3"));
    }

    [Theory]
    [InlineData("ForwardedHeaders:KnownProxies:0", "nginx.internal", "ForwardedHeaders:KnownProxies holds 'nginx.internal'")]
    [InlineData("ForwardedHeaders:KnownNetworks:0", "10.0.0.0/33", "ForwardedHeaders:KnownNetworks holds '10.0.0.0/33'")]
    [InlineData("ForwardedHeaders:KnownProxies", "10.0.0.5,10.0.0.256", "ForwardedHeaders:KnownProxies holds '10.0.0.256'")]
    [InlineData("ForwardedHeaders:ForwardLimit", "0", "ForwardLimit")]
    public void Start_MalformedSetting_StopsNamingIt(string setting, string value, string expected)
    {
        using var factory = new PromptlyFactory(new() { [setting] = value });

        Assert.Contains(expected, factory.StartFailure());
    }
}
