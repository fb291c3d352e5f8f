using Promptly.Budget;
using Promptly.Http;
using Promptly.Interviews;
using Promptly.Access;

namespace Promptly.Export;

internal static class ExportEndpoints
{
    public static IHostApplicationBuilder AddExport(this IHostApplicationBuilder builder)
    {
        builder.Services.AddJsonContext(ExportJson.Default);
        return builder;
    }

    public static IEndpointRouteBuilder MapExport(this IEndpointRouteBuilder app)
    {
        app.MapGet("/sessions/{id}/export", ExportAsync).RequireOperator().WithQuery("format").WithTags("Sessions").ProducesRequestProblems().WithName("ExportSession")
            .WithSummary("The transcript with each response's latency, the concept graph and compliance: ?format=json|csv|md.");
        return app;
    }

    private static async Task<Results<Ok<SessionExport>, ContentHttpResult, NotFoundProblem, ConflictProblem>> ExportAsync(
        string id, string? format, HttpContext context, InterviewService interviews, ILatencyStore store, BudgetPolicy policy)
    {
        var kind = (format ?? "json").Trim().ToLowerInvariant();
        if (kind is not ("json" or "csv" or "md" or "markdown"))
        {
            throw Problems.BadRequest($"'format' must be json, csv or md, not '{format}'.");
        }

        InterviewState state;
        try
        {
            state = await interviews.GetStateAsync(id, context.RequestAborted);
        }
        catch (InterviewNotFoundException e)
        {
            return InterviewProblems.NotFound(e, context);
        }
        catch (InterviewConflictException e)
        {
            return InterviewProblems.Conflict(e, context);
        }

        var export = SessionExport.From(state, await store.SessionLatencyAsync(id, context.RequestAborted), policy.TargetCompliance);
        return kind switch
        {
            "csv" => TypedResults.Text(CsvExport.Write(export), "text/csv; charset=utf-8"),
            "md" or "markdown" => TypedResults.Text(MarkdownExport.Write(export), "text/markdown; charset=utf-8"),
            _ => TypedResults.Ok(export),
        };
    }
}
