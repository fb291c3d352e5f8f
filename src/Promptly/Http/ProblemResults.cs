using System.Reflection;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;

namespace Promptly.Http;

/// <summary>
/// A problem answer as a typed result: written as <c>application/problem+json</c> (as <see cref="ProblemHttpResult"/>
/// is, unlike <c>NotFound&lt;ProblemDetails&gt;</c>, which answers plain JSON), and declaring its status in the
/// endpoint's metadata, so a handler's return type is the list of its answers in the OpenAPI document.
/// </summary>
internal abstract class ProblemResult : IResult, IStatusCodeHttpResult, IValueHttpResult, IValueHttpResult<ProblemDetails>, IContentTypeHttpResult
{
    public const string MediaType = "application/problem+json";

    private protected ProblemResult(ProblemDetails details) => Value = details;

    public ProblemDetails Value { get; }

    object? IValueHttpResult.Value => Value;

    public int? StatusCode => Value.Status;

    public string ContentType => MediaType;

    public Task ExecuteAsync(HttpContext httpContext) => TypedResults.Problem(Value).ExecuteAsync(httpContext);

    private protected static void Declare(EndpointBuilder builder, int status) =>
        builder.Metadata.Add(new ProducesResponseTypeMetadata(status, typeof(ProblemDetails), [MediaType]));
}

/// <summary>400.</summary>
internal sealed class BadRequestProblem(ProblemDetails details) : ProblemResult(details), IEndpointMetadataProvider
{
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) => Declare(builder, StatusCodes.Status400BadRequest);
}

/// <summary>404.</summary>
internal sealed class NotFoundProblem(ProblemDetails details) : ProblemResult(details), IEndpointMetadataProvider
{
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) => Declare(builder, StatusCodes.Status404NotFound);
}

/// <summary>409.</summary>
internal sealed class ConflictProblem(ProblemDetails details) : ProblemResult(details), IEndpointMetadataProvider
{
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) => Declare(builder, StatusCodes.Status409Conflict);
}

/// <summary>502: a service the answer depends on failed.</summary>
internal sealed class BadGatewayProblem(ProblemDetails details) : ProblemResult(details), IEndpointMetadataProvider
{
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) => Declare(builder, StatusCodes.Status502BadGateway);
}
