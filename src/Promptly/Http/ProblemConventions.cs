namespace Promptly.Http;

/// <summary>The answers every route can give whatever its feature, declared once so the OpenAPI document shows them.</summary>
internal static class ProblemConventions
{
    /// <summary>400 for a malformed request, 413 for a body over the limit, 503 when the database cannot be used.</summary>
    public static TBuilder ProducesRequestProblems<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
}
