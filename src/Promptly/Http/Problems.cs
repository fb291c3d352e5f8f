using Microsoft.AspNetCore.Mvc;

namespace Promptly.Http;

/// <summary>The feature-neutral problems (malformed requests), worded once, and the one way a problem answer is built.</summary>
internal static class Problems
{
    public static ApiProblemException BadRequest(string detail, IDictionary<string, object?>? extensions = null) =>
        new(StatusCodes.Status400BadRequest, "Invalid request", detail, extensions);

    public static ApiProblemException PayloadTooLarge(long limitBytes) =>
        new(StatusCodes.Status413PayloadTooLarge, "Request too large", $"The request body is over the limit of {limitBytes} bytes.");

    /// <summary>A problem with the request's path as its instance.</summary>
    public static ProblemDetails Details(int status, string title, string detail, HttpContext context) =>
        new() { Status = status, Title = title, Detail = detail, Instance = context.Request.Path };

    /// <summary>
    /// Writes a problem as the answer, <c>application/problem+json</c> whatever the request accepts (the framework's
    /// problem writer refuses a client that accepts no JSON, which turned a refusal into a 500).
    /// </summary>
    public static Task WriteAsync(HttpContext context, int status, string title, string detail) =>
        TypedResults.Problem(Details(status, title, detail, context)).ExecuteAsync(context);

    public static BadRequestProblem BadRequest(string title, string detail, HttpContext context) => new(Details(StatusCodes.Status400BadRequest, title, detail, context));

    public static NotFoundProblem NotFound(string title, string detail, HttpContext context) => new(Details(StatusCodes.Status404NotFound, title, detail, context));

    public static ConflictProblem Conflict(string title, string detail, HttpContext context) => new(Details(StatusCodes.Status409Conflict, title, detail, context));

    public static BadGatewayProblem BadGateway(string title, string detail, HttpContext context) => new(Details(StatusCodes.Status502BadGateway, title, detail, context));
}
