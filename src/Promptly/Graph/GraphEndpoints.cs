using Promptly.Http;
using Promptly.Interviews;
using Promptly.Access;

namespace Promptly.Graph;

internal static class GraphEndpoints
{
    public static IHostApplicationBuilder AddGraph(this IHostApplicationBuilder builder)
    {
        builder.Services.AddJsonContext(GraphJson.Default);
        builder.Services.AddSingleton<IConceptGraphFigures, TranscriptGraph>();
        return builder;
    }

    public static IEndpointRouteBuilder MapGraph(this IEndpointRouteBuilder app)
    {
        app.MapGet("/sessions/{id}/graph", GraphAsync).RequireOperator()
            .WithTags("Sessions").WithName("SessionGraph")
            .WithSummary("The means-end concept graph built from the candidate's answers.");
        return app;
    }

    private static Task<Results<Ok<ConceptGraph>, NotFoundProblem, ConflictProblem>> GraphAsync(string id, HttpContext context, InterviewService interviews) =>
        InterviewProblems.AnswerAsync(context, async ct => Of(await interviews.GetStateAsync(id, ct)));

    /// <summary>Built from the transcript on each request: it is cheap, and off the turn's hot path.</summary>
    public static ConceptGraph Of(InterviewState state) => TranscriptGraph.Of(state.Guide, state.Transcript);
}
