using Promptly.Http;
using Promptly.Access;

namespace Promptly.Errors;

internal static class ErrorEndpoints
{
    public static IHostApplicationBuilder AddErrors(this IHostApplicationBuilder builder)
    {
        builder.Services.AddJsonContext(ErrorsJson.Default);
        return builder;
    }

    public static IEndpointRouteBuilder MapErrors(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/errors", ListAsync).RequireOperator().WithQuery("hours", "from", "to", "limit", "type").WithTags("Errors").ProducesRequestProblems().WithName("ListErrors")
            .WithSummary("Stored errors, newest first: ?type=LatencyViolation&hours=24&limit=100 (or from/to).");
        return app;
    }

    private static async Task<Ok<ErrorList>> ListAsync(HttpRequest request, IErrorStore store, TimeProvider time, CancellationToken cancellationToken)
    {
        var window = TimeWindow.Parse(request.Query, defaultHours: 24, time.GetUtcNow());
        var limit = TimeWindow.ParseLimit(request.Query, "limit", fallback: 100, max: 1000);
        var type = request.Query["type"].ToString();
        var errors = await store.ErrorsAsync(type.Length == 0 ? null : type, window.From, window.To, limit, cancellationToken);
        return TypedResults.Ok(new ErrorList(window.From, window.To, type.Length == 0 ? null : type, errors));
    }
}

internal sealed record ErrorList(DateTimeOffset From, DateTimeOffset To, string? Type, IReadOnlyList<ErrorLogEntry> Errors);
