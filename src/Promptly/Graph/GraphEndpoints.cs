using Promptly.Interviews;
using Promptly.Storage;

namespace Promptly.Graph;

public static class GraphEndpoints
{
    public static IEndpointRouteBuilder MapGraph(this IEndpointRouteBuilder app)
    {
        app.MapGet("/sessions/{id}/graph", async (string id, InterviewService interviews, CancellationToken cancellationToken) =>
                TypedResults.Ok(Of(await interviews.GetStateAsync(id, cancellationToken))))
            .WithTags("Sessions").WithName("SessionGraph")
            .WithSummary("The means-end concept graph built from the candidate's answers.");
        return app;
    }

    /// <summary>Built from the transcript on each request: it is cheap, and off the turn's hot path.</summary>
    public static ConceptGraph Of(InterviewState state) =>
        ConceptGraphBuilder.Build(state.Guide, state.Transcript
            .Where(m => m.Role == MessageRoles.Candidate)
            .Select(m => new CandidateAnswer(m.UtteranceId, m.Content, m.ElementId)));
}
