using System.Net.Http.Headers;

namespace Promptly.Load;

/// <summary>The operator key the tools send to a server: from the <c>PROMPTLY_KEY</c> environment variable, never an argument that shows in a process list.</summary>
internal static class ServerKey
{
    public const string Variable = "PROMPTLY_KEY";

    /// <summary>The key in the environment, or null.</summary>
    public static string? FromEnvironment() => Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } key ? key.Trim() : null;

    /// <summary>Sends <paramref name="key"/> with every request of <paramref name="http"/>, when there is one.</summary>
    public static HttpClient Authorized(this HttpClient http, string? key)
    {
        if (!string.IsNullOrEmpty(key)) http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return http;
    }
}
