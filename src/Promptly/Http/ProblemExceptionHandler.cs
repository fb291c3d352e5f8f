using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Promptly.Storage;

namespace Promptly.Http;

/// <summary>
/// The last line: turns an exception that leaves an endpoint into <c>application/problem+json</c>. Features answer
/// their own outcomes with typed results; what reaches here is feature-neutral: a malformed request (its
/// <see cref="ApiProblemException"/> status), an unusable database (503), or a bug (500, logged).
/// </summary>
internal partial class ProblemExceptionHandler(ILogger<ProblemExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is OperationCanceledException && context.RequestAborted.IsCancellationRequested)
        {
            return true;
        }

        // Problem results go through the problem-details writer and answer application/problem+json even to a client
        // whose Accept names no JSON (one asking for text/event-stream): the problem is still the answer.
        await TypedResults.Problem(Describe(exception, context, logger)).ExecuteAsync(context);
        return true;
    }

    /// <summary>Describes a failure as the problem it is answered with, logging it when it is the server's fault (5xx).</summary>
    public static ProblemDetails Describe(Exception exception, HttpContext context, ILogger logger)
    {
        var (status, title, detail, extensions) = exception switch
        {
            ApiProblemException p => (p.Status, p.Title, p.Message, p.Extensions),
            BadHttpRequestException b => (b.StatusCode, b.StatusCode == StatusCodes.Status413PayloadTooLarge ? "Request too large" : "Invalid request", b.Message, null),
            StorageUnavailableException s => (StatusCodes.Status503ServiceUnavailable, "Storage unavailable", s.Message, null),
            _ => (StatusCodes.Status500InternalServerError, "Unexpected error", "The server failed unexpectedly; the error is logged.", (IDictionary<string, object?>?)null),
        };
        if (status >= 500) LogFailure(logger, exception, context.Request.Method, context.Request.Path, status);
        var details = Problems.Details(status, title, detail, context);
        if (extensions is not null)
        {
            foreach (var (key, value) in extensions) details.Extensions[key] = value;
        }

        return details;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "{Method} {Path} failed with {Status}")]
    private static partial void LogFailure(ILogger logger, Exception e, string method, string path, int status);
}
