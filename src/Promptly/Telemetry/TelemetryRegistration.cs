using Promptly.Http;
using Promptly.Access;

namespace Promptly.Telemetry;

internal static class TelemetryRegistration
{
    public static WebApplicationBuilder AddRequestMetrics(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<RequestMetricsCollector>();
        builder.Services.AddSingleton<RequestMetricsService>();
        builder.Services.AddHostedService<RequestMetricsFlusher>();
        builder.Services.AddJsonContext(TelemetryJson.Default);
        return builder;
    }

    public static IEndpointRouteBuilder MapRequestMetrics(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/metrics/requests", async (HttpRequest request, RequestMetricsService metrics, TimeProvider time, CancellationToken cancellationToken) =>
            {
                var window = TimeWindow.Parse(request.Query, defaultHours: 1, time.GetUtcNow());
                return TypedResults.Ok(new RequestMetricsReport(window.From, window.To, await metrics.QueryAsync(window.From, window.To, cancellationToken)));
            })
            .WithQuery("hours", "from", "to").WithTags("Metrics").ProducesRequestProblems().RequireOperator().WithName("RequestMetrics").WithSummary("Count and p50/p95/p99 per route over a window (hours=1 or from/to).");
        return app;
    }
}

internal sealed record RequestMetricsReport(DateTimeOffset From, DateTimeOffset To, IReadOnlyList<RouteMetrics> Routes);
