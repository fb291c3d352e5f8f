using System.Net;
using System.Text.Json.Nodes;
using Promptly.Tests.Support;

namespace Promptly.Tests.Http;

/// <summary>Answers with an error status and no body of their own (no such route, no such method) are problems too, whatever the client accepts.</summary>
public sealed class StatusCodeProblemsTests : ApiTestBase
{
    [Theory]
    [InlineData("GET", "/no/such/route", null, HttpStatusCode.NotFound)]
    [InlineData("GET", "/no/such/route", "text/plain", HttpStatusCode.NotFound)]
    [InlineData("GET", "/sessions/../export", "text/event-stream", HttpStatusCode.NotFound)]
    [InlineData("DELETE", "/concepts", "text/plain", HttpStatusCode.MethodNotAllowed)]
    [InlineData("POST", "/invitations/./start", "text/event-stream", HttpStatusCode.MethodNotAllowed)]
    public async Task NoRouteOrMethod_IsAProblemWhateverIsAccepted(string method, string path, string? accept, HttpStatusCode status)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (accept is not null) request.Headers.Accept.ParseAdd(accept);

        using var response = await Client.SendAsync(request);

        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal((int)status, problem["status"]!.GetValue<int>());
        Assert.Contains(method == "GET" ? "No route" : $"does not take {method}", problem["detail"]!.GetValue<string>());
    }
}
