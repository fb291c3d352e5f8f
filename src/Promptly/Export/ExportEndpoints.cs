using Promptly.Budget;
using Promptly.Http;
using Promptly.Interviews;
using Promptly.Storage;

namespace Promptly.Export;

public static class ExportEndpoints
{
    public static IEndpointRouteBuilder MapExport(this IEndpointRouteBuilder app)
    {
        app.MapGet("/sessions/{id}/export", ExportAsync).WithTags("Sessions").WithName("ExportSession")
            .WithSummary("The transcript with each response's latency, the concept graph and compliance: ?format=json|csv|md.");
        return app;
    }

    private static async Task<IResult> ExportAsync(string id, string? format, InterviewService interviews, ILatencyStore store, BudgetPolicy policy, CancellationToken cancellationToken)
    {
        var kind = (format ?? "json").Trim().ToLowerInvariant();
        if (kind is not ("json" or "csv" or "md" or "markdown"))
        {
            throw Problems.BadRequest($"'format' must be json, csv or md, not '{format}'.");
        }

        var state = await interviews.GetStateAsync(id, cancellationToken);
        var export = SessionExport.From(state, await store.SessionLatencyAsync(id, cancellationToken), policy.TargetCompliance);
        return kind switch
        {
            "csv" => TypedResults.Text(CsvExport.Write(export), "text/csv; charset=utf-8"),
            "md" or "markdown" => TypedResults.Text(MarkdownExport.Write(export), "text/markdown; charset=utf-8"),
            _ => TypedResults.Json(export, PromptlyJson.Default.SessionExport),
        };
    }
}
