using Promptly.Access;
using Promptly.Http;

namespace Promptly.Alerts;

internal static class AlertsEndpoints
{
    public static IEndpointRouteBuilder MapAlerts(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/alerts", List).RequireOperator().WithTags("Alerts").ProducesRequestProblems().WithName("ListAlerts")
            .WithSummary("Burn-rate alerts on the latency budget: those firing, and the latest resolved, with their windows' figures.");
        return app;
    }

    private static Ok<AlertList> List(AlertBoard board) => TypedResults.Ok(board.List());
}
