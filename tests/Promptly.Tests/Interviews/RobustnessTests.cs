using System.Net;
using System.Text;
using Promptly.Tests.Support;

namespace Promptly.Tests.Interviews;

/// <summary>Throws many malformed requests at every route: none may get a 500, and every error is problem+json.</summary>
public sealed class RobustnessTests
{
    private static readonly string[] Bodies =
    [
        "", "null", "[]", "{}", "\"text\"", "42", "{\"concept_id\":null}", "{\"concept_id\":[1]}", "{\"user_input\":{}}",
        "{\"user_input\":\"\\u0000\"}", "{\"concept_id\":\"oat_milk_v1\",\"interview_type\":7}", "{\"threshold_ms\":1e999}",
        "{\"a\":", "\u00ff\u00fe", "{\"concept_id\":\"oat_milk_v1\",\"candidate\":\"" + new string('x', 300) + "\"}",
    ];

    [Fact]
    public async Task MalformedRequests_NeverServerError()
    {
        await using var factory = new PromptlyFactory();
        var client = factory.CreateClient();
        var id = (await client.StartAsync()).Id();
        string[] posts = ["/sessions", $"/sessions/{id}/turns", "/sessions/x/turns", $"/sessions/{id}/end", "/invitations", "/invitations/x/start"];
        string[] gets =
        [
            $"/sessions/{id}/graph?x=1", "/sessions/%20", $"/sessions/{id}/export?format=%ff", "/api/errors?type=%27;drop", "/api/latency/slow?hours=NaN",
            "/api/latency/compliance?from=9999-12-31T23:59:59Z", "/api/latency/compliance?hours=Infinity", "/api/metrics/requests?from=0001-01-01&to=9999-12-31",
            "/concepts/%2e%2e", "/nowhere",
        ];

        var statuses = new List<(string, HttpStatusCode)>();
        foreach (var path in posts)
        {
            foreach (var body in Bodies)
            {
                using var response = await client.PostAsync(path, new StringContent(body, Encoding.UTF8, "application/json"));
                await Check(response, $"POST {path} {body}");
            }
        }

        foreach (var body in Bodies)
        {
            using var response = await client.PutAsync("/api/latency/budget/PRACTICE", new StringContent(body, Encoding.UTF8, "application/json"));
            await Check(response, $"PUT budget {body}");
        }

        foreach (var path in gets)
        {
            using var response = await client.GetAsync(path);
            await Check(response, $"GET {path}");
        }

        // The session those requests hammered is intact and still takes turns in order.
        var state = await client.GetJsonAsync($"/sessions/{id}");
        Assert.Equal(state["question_number"]!.GetValue<int>() * 2 + 1, state["transcript"]!.AsArray().Count);
    }

    private static async Task Check(HttpResponseMessage response, string what)
    {
        Assert.True((int)response.StatusCode < 500, $"{what} → {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        if ((int)response.StatusCode >= 400 && response.Content.Headers.ContentLength != 0)
        {
            Assert.True(response.Content.Headers.ContentType?.MediaType == "application/problem+json", $"{what} → {response.Content.Headers.ContentType}");
        }
    }
}
