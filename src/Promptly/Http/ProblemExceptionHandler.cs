using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Promptly.Interviews;
using Promptly.Storage;

namespace Promptly.Http;

/// <summary>
/// Turns every exception that leaves an endpoint into <c>application/problem+json</c>: the API's own problems with
/// their status, a failing interviewer as 502, an unusable database as 503. Anything else is a bug and is logged.
/// </summary>
public sealed partial class ProblemExceptionHandler(IProblemDetailsService problems, ILogger<ProblemExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is OperationCanceledException && context.RequestAborted.IsCancellationRequested)
        {
            return true;
        }

        var (status, title, detail, extensions) = Describe(exception);
        if (status >= 500)
        {
            LogFailure(logger, exception, context.Request.Method, context.Request.Path, status);
        }

        var details = new ProblemDetails { Status = status, Title = title, Detail = detail, Instance = context.Request.Path };
        if (extensions is not null)
        {
            foreach (var (key, value) in extensions) details.Extensions[key] = value;
        }

        context.Response.StatusCode = status;
        if (await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = details, Exception = exception })) return true;

        // The writer declines a client whose Accept names no JSON (one asking for text/event-stream): the problem
        // is still the answer, as application/problem+json.
        await TypedResults.Problem(details).ExecuteAsync(context);
        return true;
    }

    /// <summary>The status, title, detail and extra members a failure is answered with; also used once a response has started streaming.</summary>
    internal static (int Status, string Title, string Detail, IDictionary<string, object?>? Extensions) Describe(Exception exception) =>
        exception switch
        {
            ApiProblemException p => (p.Status, p.Title, p.Message, p.Extensions),
            BadHttpRequestException b => (b.StatusCode, b.StatusCode == StatusCodes.Status413PayloadTooLarge ? "Request too large" : "Invalid request", b.Message, null),
            InterviewerFailedException f => (StatusCodes.Status502BadGateway, "Interviewer unavailable", $"{f.Message} Nothing was stored; send the answer again.", null),
            StorageUnavailableException s => (StatusCodes.Status503ServiceUnavailable, "Storage unavailable", s.Message, null),
            _ => (StatusCodes.Status500InternalServerError, "Unexpected error", "The server failed unexpectedly; the error is logged.", (IDictionary<string, object?>?)null),
        };

    [LoggerMessage(Level = LogLevel.Error, Message = "{Method} {Path} failed with {Status}")]
    internal static partial void LogFailure(ILogger logger, Exception e, string method, string path, int status);
}
