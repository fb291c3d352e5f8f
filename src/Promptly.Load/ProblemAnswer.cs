using System.Text.Json;

namespace Promptly.Load;

/// <summary>Reads the <c>detail</c> of an <c>application/problem+json</c> answer, which says in one line what the server refused.</summary>
internal static class ProblemAnswer
{
    /// <summary>The problem's detail, or null when the body is not a problem document.</summary>
    public static string? DetailOf(ReadOnlyMemory<byte> body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("detail", out var detail)
                && detail.ValueKind == JsonValueKind.String
                ? detail.GetString()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
