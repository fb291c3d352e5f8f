using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.WebUtilities;

namespace Promptly.Http;

/// <summary>
/// The body of an answer that left the pipeline with an error status and nothing written: no route for the path (404),
/// none for the method (405). Written as a problem, <c>application/problem+json</c> whatever the request accepts, as
/// every other problem is: the framework's own writes one only to clients that accept JSON, and to the others
/// (<c>Accept: text/plain</c>, a stream's <c>text/event-stream</c>) a line of plain text.
/// </summary>
internal static class StatusCodeProblems
{
    public static Task WriteAsync(StatusCodeContext context)
    {
        var http = context.HttpContext;
        var status = http.Response.StatusCode;
        var detail = status switch
        {
            StatusCodes.Status404NotFound => $"No route matches {http.Request.Path}.",
            StatusCodes.Status405MethodNotAllowed => $"{http.Request.Path} does not take {http.Request.Method}.",
            _ => ReasonPhrases.GetReasonPhrase(status),
        };
        return Problems.WriteAsync(http, status, ReasonPhrases.GetReasonPhrase(status), detail);
    }
}
