using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Promptly.Tests.Support;

/// <summary>Small helpers for talking JSON to the server the way a client would.</summary>
public static class Api
{
    public static Task<JsonObject> PostJsonAsync(this HttpClient client, string path, object body, HttpStatusCode expected = HttpStatusCode.OK) =>
        client.SendAsync(HttpMethod.Post, path, JsonSerializer.Serialize(body), expected);

    public static Task<JsonObject> PostRawAsync(this HttpClient client, string path, string body, HttpStatusCode expected) =>
        client.SendAsync(HttpMethod.Post, path, body, expected);

    public static Task<JsonObject> PutJsonAsync(this HttpClient client, string path, object body, HttpStatusCode expected = HttpStatusCode.OK) =>
        client.SendAsync(HttpMethod.Put, path, JsonSerializer.Serialize(body), expected);

    public static Task<JsonObject> PutRawAsync(this HttpClient client, string path, string body, HttpStatusCode expected) =>
        client.SendAsync(HttpMethod.Put, path, body, expected);

    private static async Task<JsonObject> SendAsync(this HttpClient client, HttpMethod method, string path, string body, HttpStatusCode expected)
    {
        using var request = new HttpRequestMessage(method, path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        using var response = await client.SendAsync(request);
        return await ReadAsync(response, expected);
    }

    public static async Task<JsonObject> DeleteJsonAsync(this HttpClient client, string path, HttpStatusCode expected = HttpStatusCode.OK)
    {
        using var response = await client.DeleteAsync(path);
        return await ReadAsync(response, expected);
    }

    public static async Task<JsonObject> GetJsonAsync(this HttpClient client, string path, HttpStatusCode expected = HttpStatusCode.OK)
    {
        using var response = await client.GetAsync(path);
        return await ReadAsync(response, expected);
    }

    public static async Task<JsonObject> StartAsync(this HttpClient client, string concept = "oat_milk_v1", string? type = null, string? candidate = null) =>
        await client.PostJsonAsync("/sessions", new Dictionary<string, string?> { ["concept_id"] = concept, ["interview_type"] = type, ["candidate"] = candidate });

    public static async Task<JsonObject> TurnAsync(this HttpClient client, string sessionId, string answer, HttpStatusCode expected = HttpStatusCode.OK) =>
        await client.PostJsonAsync($"/sessions/{sessionId}/turns", new { user_input = answer }, expected);

    private static async Task<JsonObject> ReadAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"Expected {(int)expected}, got {(int)response.StatusCode}: {text}");
        if ((int)expected >= 400)
        {
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }

        return JsonNode.Parse(text)!.AsObject();
    }

    public static string Id(this JsonObject o) => o["id"]!.GetValue<string>();
}
