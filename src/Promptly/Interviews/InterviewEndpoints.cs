using Microsoft.Extensions.Options;
using Promptly.Http;
using Promptly.Telemetry;

namespace Promptly.Interviews;

public static class InterviewEndpoints
{
    public static IEndpointRouteBuilder MapInterviews(this IEndpointRouteBuilder app)
    {
        var sessions = app.MapGroup("/sessions").WithTags("Sessions");
        sessions.MapPost("/", StartAsync).WithName("StartSession").WithSummary("Starts an interview; answers with the greeting and first question.");
        sessions.MapPost("/{id}/turns", TakeTurnAsync).WithName("TakeTurn").WithSummary("Sends the candidate's answer; answers with the interviewer's next words.");
        sessions.MapGet("/{id}", GetAsync).WithName("GetSession").WithSummary("The session's state and transcript.");
        sessions.MapPost("/{id}/end", EndAsync).WithName("EndSession").WithSummary("Ends the interview; later turns get 409.");
        return app;
    }

    private static async Task<Ok<SessionStartedResponse>> StartAsync(
        HttpContext context, InterviewService interviews, IOptions<InterviewOptions> options, TimeProvider time)
    {
        var body = await JsonBody.ReadAsync(context.Request, PromptlyJson.Default.StartSessionRequest);
        var request = Validate(body, options.Value);
        var started = await interviews.StartAsync(request, context.ArrivalTimestamp(time), context.RequestAborted);
        return TypedResults.Ok(Started(started));
    }

    internal static SessionStartedResponse Started(InterviewResponse r) =>
        new(r.State.Id, r.State.Session.ConceptId, r.State.Session.InterviewType, r.State.Session.Candidate, r.Message.QuestionNumber,
            r.Message.Content, r.Step.Done, LatencyView.From(r.Latency), r.Latency.Fallback, r.Latency.FallbackCause);

    /// <summary>
    /// The plain answer is the <see cref="TurnResponse"/>; with <c>Accept: text/event-stream</c> the same turn is
    /// streamed (<see cref="TurnEventStream"/>). Either way the reply is sent only once the turn is stored, and a client
    /// that leaves before the commit leaves nothing stored.
    /// </summary>
    private static async Task<Results<JsonOk<TurnResponse>, EmptyHttpResult>> TakeTurnAsync(
        string id, HttpContext context, InterviewService interviews, IOptions<InterviewOptions> options, TimeProvider time, ILogger<ProblemExceptionHandler> logger)
    {
        var arrival = context.ArrivalTimestamp(time);
        var body = await JsonBody.ReadAsync(context.Request, PromptlyJson.Default.TurnRequest);
        var answer = ValidateAnswer(body.UserInput, options.Value);
        if (!TurnEventStream.IsWanted(context.Request))
        {
            return new JsonOk<TurnResponse>(Turn(id, await interviews.TakeTurnAsync(id, answer, arrival, sink: null, context.RequestAborted)), PromptlyJson.Default.TurnResponse);
        }

        var stream = new TurnEventStream(context, time);
        try
        {
            var turn = await interviews.TakeTurnAsync(id, answer, arrival, stream, context.RequestAborted);
            await stream.FinishAsync(Turn(id, turn), context.RequestAborted);
        }
        catch (OperationCanceledException) when (stream.Opened && context.RequestAborted.IsCancellationRequested)
        {
            // The client left; there is no one to tell.
        }
        catch (Exception e) when (stream.Opened && !context.RequestAborted.IsCancellationRequested)
        {
            var (status, title, detail, _) = ProblemExceptionHandler.Report(e, context, logger);
            await stream.FailAsync(new StreamProblem(status, title, detail, context.Request.Path), context.RequestAborted);
        }

        return TypedResults.Empty;
    }

    private static TurnResponse Turn(string id, InterviewResponse turn) =>
        new(id, turn.Message.Content, turn.Message.QuestionNumber, turn.Step.Done, turn.Step.Kind, turn.Step.ElementId,
            LatencyView.From(turn.Latency), turn.Latency.Fallback, turn.Latency.FallbackCause);

    private static async Task<Ok<SessionView>> GetAsync(string id, InterviewService interviews, CancellationToken cancellationToken) =>
        TypedResults.Ok(SessionView.From(await interviews.GetStateAsync(id, cancellationToken)));

    private static async Task<Ok<SessionView>> EndAsync(string id, InterviewService interviews, CancellationToken cancellationToken) =>
        TypedResults.Ok(SessionView.From(await interviews.EndAsync(id, cancellationToken)));

    private static StartInterview Validate(StartSessionRequest body, InterviewOptions options)
    {
        if (string.IsNullOrWhiteSpace(body.ConceptId)) throw Problems.BadRequest("'concept_id' is required.");
        var type = string.IsNullOrWhiteSpace(body.InterviewType) ? InterviewTypes.Practice : body.InterviewType.Trim().ToUpperInvariant();
        if (!InterviewTypes.All.Contains(type))
        {
            throw Problems.BadRequest($"'interview_type' must be one of {string.Join(", ", InterviewTypes.All)}, not '{body.InterviewType}'.");
        }

        return new StartInterview(body.ConceptId.Trim(), type, ValidateCandidate(body.Candidate, options));
    }

    internal static string? ValidateCandidate(string? candidate, InterviewOptions options)
    {
        if (string.IsNullOrWhiteSpace(candidate)) return null;
        var trimmed = candidate.Trim();
        return trimmed.Length <= options.MaxCandidateChars
            ? trimmed
            : throw Problems.BadRequest($"'candidate' is {trimmed.Length} characters long; the limit is {options.MaxCandidateChars}.");
    }

    private static string ValidateAnswer(string? answer, InterviewOptions options)
    {
        if (answer is null) throw Problems.BadRequest("'user_input' is required.");
        var trimmed = answer.Trim();
        if (trimmed.Length == 0) throw Problems.BadRequest("'user_input' is empty.");
        return trimmed.Length <= options.MaxInputChars
            ? trimmed
            : throw Problems.BadRequest($"'user_input' is {trimmed.Length} characters long; the limit is {options.MaxInputChars}.");
    }
}
