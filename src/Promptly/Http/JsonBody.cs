using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Promptly.Http;

/// <summary>
/// Reads a JSON request body with a clear 400 for anything wrong with it. Endpoints read bodies here rather than
/// through parameter binding, whose failures answer with an empty 400; the content type is not insisted on, so a
/// plain <c>curl -d</c> works.
/// </summary>
internal static class JsonBody
{
    public static async Task<T> ReadAsync<T>(HttpRequest request, JsonTypeInfo<T> type) where T : class
    {
        // Kestrel enforces the limit while reading; checking the declared length first answers at once, on any server.
        if (request.ContentLength > HttpRegistration.MaxRequestBodyBytes)
        {
            throw Problems.PayloadTooLarge(HttpRegistration.MaxRequestBodyBytes);
        }

        try
        {
            return await JsonSerializer.DeserializeAsync(request.Body, type, request.HttpContext.RequestAborted)
                ?? throw Problems.BadRequest("The request body must be a JSON object, not null.");
        }
        catch (JsonException e)
        {
            throw Problems.BadRequest($"The request body could not be read: {Describe(e)}.");
        }
    }

    /// <summary>What is wrong with a JSON text that <see cref="JsonSerializer"/> refused, worded for a problem's detail.</summary>
    public static string Describe(JsonException e)
    {
        var where = e.Path is { Length: > 1 } path ? $" at {path}" : "";
        if (JsonText.IsUnreadableString(e)) return $"a string or property name{where} {JsonText.Problem}";
        return e.Message.Contains("could not be converted", StringComparison.Ordinal)
            ? $"a value{where} has the wrong type"
            : e.LineNumber is null ? "the text is empty or not JSON" : $"the JSON is malformed{where} (line {e.LineNumber + 1}, byte {e.BytePositionInLine})";
    }
}
