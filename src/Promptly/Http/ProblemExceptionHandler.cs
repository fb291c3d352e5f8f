using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Promptly.Interviews;
using Promptly.Storage;

namespace Promptly.Http;

/// <summary>
/// Turns every exception that leaves an endpoint into <c>application/problem+json</c>: the API's own problems with
/// their status, a failing interviewer as 502, an unusable database as 503. Anything else is a bug and is logged.
/// </summary>
public sealed partial class ProblemExceptionHandler(ILogger<ProblemExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is OperationCanceledException && context.RequestAborted.IsCancellationRequested)
        {
            return true;
        }

        var (status, title, detail, extensions) = Report(exception, context, logger);
        var details = new ProblemDetails { Status = status, Title = title, Detail = detail, Instance = context.Request.Path };
        if (extensions is not null)
        {
            foreach (var (key, value) in extensions) details.Extensions[key] = value;
        }

        // Problem results go through the problem-details writer and answer application/problem+json even to a client
        // whose Accept names no JSON (one asking for text/event-stream): the problem is still the answer.
        await TypedResults.Problem(details).ExecuteAsync(context);
        return true;
    }

    /// <summary>Describes a failure as the problem it is answered with, logging it when it is the server's fault (5xx).</summary>
    internal static (int Status, string Title, string Detail, IDictionary<string, object?>? Extensions) Report(Exception exception, HttpContext context, ILogger logger)
    {
        var problem = Describe(exception);
        if (problem.Status >= 500) LogFailure(logger, exception, context.Request.Method, context.Request.Path, problem.Status);
        return problem;
    }

    private static (int Status, string Title, string Detail, IDictionary<string, object?>? Extensions) Describe(Exception exception) =>
        exception switch
        {
            ApiProblemException p => (p.Status, p.Title, p.Message, p.Extensions),
            BadHttpRequestException b => (b.StatusCode, b.StatusCode == StatusCodes.Status413PayloadTooLarge ? "Request too large" : "Invalid request", b.Message, null),
            InterviewerFailedException f => (StatusCodes.Status502BadGateway, "Interviewer unavailable", $"{f.Message} Nothing was stored; send the answer again.", null),
            StorageUnavailableException s => (StatusCodes.Status503ServiceUnavailable, "Storage unavailable", s.Message, null),
            _ => (StatusCodes.Status500InternalServerError, "Unexpected error", "The server failed unexpectedly; the error is logged.", (IDictionary<string, object?>?)null),
        };

    [LoggerMessage(Level = LogLevel.Error, Message = "{Method} {Path} failed with {Status}")]
    private static partial void LogFailure(ILogger logger, Exception e, string method, string path, int status);
}
