using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Promptly.Tests.Support;

/// <summary>One Server-Sent Event as a client reads it.</summary>
public sealed record ServerSentEvent(string Name, string Data)
{
    public JsonObject Json => JsonNode.Parse(Data)!.AsObject();
}

/// <summary>A turn asked for as Server-Sent Events, read line by line as it arrives.</summary>
public sealed record StreamedTurn(HttpResponseMessage Response, string Body, IReadOnlyList<ServerSentEvent> Events)
{
    public IEnumerable<string> Names => Events.Select(e => e.Name);

    public string Tokens => string.Concat(Events.Where(e => e.Name == "token").Select(e => e.Json["text"]!.GetValue<string>()));

    /// <summary>The text a client shows at the end: the tokens after the last reset.</summary>
    public string Shown
    {
        get
        {
            var text = new StringBuilder();
            foreach (var e in Events)
            {
                if (e.Name == "reset") text.Clear();
                if (e.Name == "token") text.Append(e.Json["text"]!.GetValue<string>());
            }

            return text.ToString();
        }
    }
}

public static class EventStreams
{
    public static async Task<StreamedTurn> TurnStreamAsync(this HttpClient client, string sessionId, string answer)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/sessions/{sessionId}/turns")
        {
            Content = new StringContent(JsonSerializer.Serialize(new { user_input = answer }), Encoding.UTF8, "application/json"),
        };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        var events = new List<ServerSentEvent>();
        var body = new StringBuilder();
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        string? name = null, data = null;
        while (await reader.ReadLineAsync() is { } line)
        {
            body.Append(line).Append('\n');
            if (line.Length == 0)
            {
                if (name is not null || data is not null) events.Add(new ServerSentEvent(name ?? "message", data ?? ""));
                name = data = null;
            }
            else if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                name = line["event: ".Length..];
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                data = data is null ? line["data: ".Length..] : $"{data}\n{line["data: ".Length..]}";
            }
        }

        return new StreamedTurn(response, body.ToString(), events);
    }
}
