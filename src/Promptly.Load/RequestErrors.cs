using System.Net;
using System.Net.Sockets;

namespace Promptly.Load;

/// <summary>Short, stable names for failed exchanges ("HTTP 500", "connection refused", "timeout"), so errors group by kind.</summary>
internal static class RequestErrors
{
    private static readonly string[] StatusKinds = [.. Enumerable.Range(0, 600).Select(code => $"HTTP {code}")];

    public const string Timeout = "timeout";

    public const string BadResponse = "bad response";

    public const string ConnectionError = "connection error";

    /// <summary>"HTTP 409", without allocating for the usual codes.</summary>
    public static string Status(HttpStatusCode status) => (int)status is >= 0 and < 600 ? StatusKinds[(int)status] : $"HTTP {(int)status}";

    public static string Kind(HttpRequestException e)
    {
        if (e.StatusCode is { } status) return Status(status);
        for (Exception? inner = e; inner is not null; inner = inner.InnerException)
        {
            if (inner is SocketException { SocketErrorCode: SocketError.ConnectionRefused }) return "connection refused";
            if (inner is SocketException { SocketErrorCode: SocketError.ConnectionReset }) return "connection reset";
        }

        return e.HttpRequestError switch
        {
            HttpRequestError.ConnectionError => ConnectionError,
            HttpRequestError.ResponseEnded => "response ended",
            HttpRequestError.NameResolutionError => "name resolution",
            _ => "HTTP error",
        };
    }

    /// <summary>
    /// The kind of any failure of a request the driver sent, or null when it is not one (a bug, or the caller's own
    /// cancellation, which should propagate).
    /// </summary>
    public static string? KindOf(Exception e, CancellationToken callerToken) => e switch
    {
        HttpRequestException http => Kind(http),
        OperationCanceledException when !callerToken.IsCancellationRequested => Timeout,
        System.Text.Json.JsonException or InvalidDataException => BadResponse,
        IOException => ConnectionError,
        _ => null,
    };
}
