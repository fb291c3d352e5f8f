using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Promptly.Tests.Support;

/// <summary>Small helpers for talking JSON to the server the way a client would.</summary>
public static class Api
{
    public static async Task<JsonObject> PostJsonAsync(this HttpClient client, string path, object body, HttpStatusCode expected = HttpStatusCode.OK)
    {
        using var response = await client.PostAsync(path, new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json"));
        return await ReadAsync(response, expected);
    }

    public static async Task<JsonObject> PostRawAsync(this HttpClient client, string path, string body, HttpStatusCode expected)
    {
        using var response = await client.PostAsync(path, new StringContent(body, Encoding.UTF8, "application/json"));
        return await ReadAsync(response, expected);
    }

    public static async Task<JsonObject> PutJsonAsync(this HttpClient client, string path, object body, HttpStatusCode expected = HttpStatusCode.OK)
    {
        using var response = await client.PutAsync(path, new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json"));
        return await ReadAsync(response, expected);
    }

    public static async Task<JsonObject> PutRawAsync(this HttpClient client, string path, string body, HttpStatusCode expected)
    {
        using var response = await client.PutAsync(path, new StringContent(body, Encoding.UTF8, "application/json"));
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
