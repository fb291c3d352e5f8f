using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;
using Promptly.Access;
using Promptly.Budget;
using Promptly.Guides;
using Promptly.Http;

namespace Promptly.Interviews;

/// <summary>
/// The interview core over HTTP: plain JSON answers, or a turn as Server-Sent Events (<see cref="TurnEventStream"/>).
/// The only place that turns the core's outcomes into statuses.
/// </summary>
internal static class InterviewEndpoints
{
    public static IEndpointRouteBuilder MapInterviews(this IEndpointRouteBuilder app)
    {
        var sessions = app.MapGroup("/sessions").WithTags("Sessions").ProducesRequestProblems().ProducesAccessProblems();
        sessions.MapPost("/", StartAsync).WithName("StartSession").AllowAnonymous().RequireRateLimiting(AccessRegistration.StartLimit)
            .WithSummary("Starts an interview; answers with the greeting, the first question and the candidate's session token (operators; anybody for practice while Auth:OpenPracticeSessions).");
        sessions.MapPost("/{id}/turns", TakeTurnAsync).WithName("TakeTurn").RequireSessionAccess().RequireRateLimiting(AccessRegistration.TurnLimit)
            .WithSummary("Sends the candidate's answer; answers with the interviewer's next words (as Server-Sent Events with Accept: text/event-stream).")
            .Produces(StatusCodes.Status200OK, contentType: TurnEventStream.MediaType);
        sessions.MapGet("/{id}", GetAsync).WithName("GetSession").RequireSessionAccess().WithSummary("The session's state and transcript.");
        sessions.MapPost("/{id}/end", EndAsync).WithName("EndSession").RequireSessionAccess().WithSummary("Ends the interview; later turns get 409.");
        sessions.MapDelete("/{id}", EraseAsync).WithName("EraseSession").RequireOperator()
            .WithSummary("Erases the session's transcript, audio, candidate name and token; its latency figures stay, anonymous.");
        sessions.MapGet("/{id}/latency", LatencyAsync).WithQuery("channel").WithName("SessionLatency").RequireOperator()
            .WithSummary("Compliance and percentiles of the session's responses (text and voice unless channel=text|voice), and every response.");
        sessions.MapSessionList();
        app.MapInterviewStats();
        return app;
    }

    private static async Task<Results<Ok<SessionStartedResponse>, BadRequestProblem, NotFoundProblem, ConflictProblem, BadGatewayProblem, ForbidHttpResult>> StartAsync(
        HttpContext context, InterviewService interviews, SessionTokens tokens, IAuthorizationService authorization, OpenSessionsPerAddress open,
        IOptions<InterviewOptions> options, TimeProvider time)
    {
        var body = await JsonBody.ReadAsync(context.Request, InterviewsJson.Default.StartSessionRequest);
        var request = Validate(body, options.Value);
        // Who may start one depends on what it is (practice is open by default, an invited screening is not).
        if (!(await authorization.AuthorizeAsync(context.User, new SessionToStart(request.InterviewType == InterviewTypes.Practice), AccessPolicies.StartSession)).Succeeded)
        {
            return TypedResults.Forbid();
        }

        if (context.User.IsOperator()) return await StartedAsync(interviews, tokens, request, context, time);
        var address = Addresses.Of(context);
        if (!open.MayOpen(address))
        {
            throw new ApiProblemException(StatusCodes.Status429TooManyRequests, "Too many open interviews",
                "This address already has as many interviews open as it may (RateLimits:OpenSessionsPerAddress); finish or end one first.");
        }

        var started = await StartedAsync(interviews, tokens, request, context, time);
        if (started.Result is Ok<SessionStartedResponse> ok) open.Opened(address, ok.Value!.Id);
        return started;
    }

    /// <summary>Starts a session and answers as <c>POST /sessions</c> does, with its candidate's token; invitations start theirs here too.</summary>
    internal static async Task<Results<Ok<SessionStartedResponse>, BadRequestProblem, NotFoundProblem, ConflictProblem, BadGatewayProblem, ForbidHttpResult>> StartedAsync(
        InterviewService interviews, SessionTokens tokens, StartInterview request, HttpContext context, TimeProvider time)
    {
        var (token, access) = tokens.Issue(request.Id);
        try
        {
            var started = await interviews.StartAsync(request with { Access = access }, context.ArrivalTimestamp(time), context.RequestAborted);
            return TypedResults.Ok(Started(started, token, access));
        }
        catch (UnknownConceptException e)
        {
            return InterviewProblems.UnknownConcept(e, context);
        }
        catch (InterviewNotFoundException e)
        {
            return InterviewProblems.NotFound(e, context);
        }
        catch (InterviewConflictException e)
        {
            return InterviewProblems.Conflict(e, context);
        }
        catch (InterviewerFailedException e)
        {
            return InterviewProblems.InterviewerFailed(e, context);
        }
    }

    private static SessionStartedResponse Started(InterviewResponse r, string token, SessionAccess access) =>
        new(r.State.Id, r.State.Session.ConceptId, r.State.Session.InterviewType, r.State.Session.Candidate, r.Message.QuestionNumber,
            r.Message.Content, r.Step.Done, LatencyView.From(r.Latency), r.Latency.Fallback, r.Latency.FallbackCause, token, access.ExpiresAt);

    /// <summary>
    /// The plain answer is the <see cref="TurnResponse"/>; with <c>Accept: text/event-stream</c> the same turn is
    /// streamed (<see cref="TurnEventStream"/>). Either way the reply is sent only once the turn is stored, and a client
    /// that leaves before the commit leaves nothing stored.
    /// </summary>
    private static async Task<Results<JsonOk<TurnResponse>, NotFoundProblem, ConflictProblem, BadGatewayProblem, EmptyHttpResult>> TakeTurnAsync(
        string id, HttpContext context, InterviewService interviews, IOptions<InterviewOptions> options, TimeProvider time, ILogger<TurnEventStream> logger)
    {
        var arrival = context.ArrivalTimestamp(time);
        var body = await JsonBody.ReadAsync(context.Request, InterviewsJson.Default.TurnRequest);
        var answer = ValidateAnswer(body.UserInput, options.Value);
        var stream = TurnEventStream.IsWanted(context.Request) ? new TurnEventStream(context, time) : null;
        try
        {
            var turn = Turn(id, await interviews.TakeTurnAsync(id, new TurnInput(answer, arrival), stream, context.RequestAborted));
            if (stream is null) return new JsonOk<TurnResponse>(turn, InterviewsJson.Default.TurnResponse);
            await stream.FinishAsync(turn, context.RequestAborted);
            return TypedResults.Empty;
        }
        catch (Exception e) when (stream is { Opened: true })
        {
            // Once the stream has begun, the status is sent: the failure travels as the stream's last event.
            await stream.FailAsync(e, logger);
            return TypedResults.Empty;
        }
        catch (InterviewNotFoundException e)
        {
            return InterviewProblems.NotFound(e, context);
        }
        catch (InterviewConflictException e)
        {
            return InterviewProblems.Conflict(e, context);
        }
        catch (InterviewerFailedException e)
        {
            return InterviewProblems.InterviewerFailed(e, context);
        }
    }

    private static TurnResponse Turn(string id, InterviewResponse turn) =>
        new(id, turn.Message.Content, turn.Message.QuestionNumber, turn.Step.Done, turn.Step.Kind, turn.Step.ElementId,
            LatencyView.From(turn.Latency), turn.Latency.Fallback, turn.Latency.FallbackCause);

    private static Task<Results<Ok<SessionView>, NotFoundProblem, ConflictProblem>> GetAsync(string id, HttpContext context, InterviewService interviews) =>
        InterviewProblems.AnswerAsync(context, async ct => SessionView.From(await interviews.GetStateAsync(id, ct)));

    private static Task<Results<Ok<SessionView>, NotFoundProblem, ConflictProblem>> EndAsync(string id, HttpContext context, InterviewService interviews) =>
        InterviewProblems.AnswerAsync(context, async ct => SessionView.From(await interviews.EndAsync(id, ct)));

    private static async Task<Results<Ok<ErasedSession>, NotFoundProblem>> EraseAsync(string id, HttpContext context, InterviewService interviews) =>
        await interviews.EraseAsync(id, context.RequestAborted)
            ? TypedResults.Ok(new ErasedSession(id, Erased: true))
            : InterviewProblems.NotFound(new SessionNotFoundException(id), context);

    private static Task<Results<Ok<SessionCompliance>, NotFoundProblem, ConflictProblem>> LatencyAsync(
        string id, HttpContext context, InterviewService interviews, ILatencyStore store, BudgetPolicy policy)
    {
        var channel = BudgetEndpoints.ChannelFilter(context.Request.Query["channel"].ToString());
        return InterviewProblems.AnswerAsync(context, async ct =>
        {
            await interviews.EnsureExistsAsync(id, ct);
            return SessionCompliance.Of(id, await store.SessionLatencyAsync(id, ct), policy.TargetCompliance, channel);
        });
    }

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
        var trimmed = WithoutNul(candidate, "candidate").Trim();
        return trimmed.Length <= options.MaxCandidateChars
            ? trimmed
            : throw Problems.BadRequest($"'candidate' is {trimmed.Length} characters long; the limit is {options.MaxCandidateChars}.");
    }

    // PostgreSQL cannot store U+0000 in text; refused on either store, so both take the same requests.
    private static string WithoutNul(string text, string name) =>
        text.Contains('\0', StringComparison.Ordinal) ? throw Problems.BadRequest($"'{name}' must not contain the character U+0000.") : text;

    private static string ValidateAnswer(string? answer, InterviewOptions options)
    {
        if (answer is null) throw Problems.BadRequest("'user_input' is required.");
        var trimmed = WithoutNul(answer, "user_input").Trim();
        if (trimmed.Length == 0) throw Problems.BadRequest("'user_input' is empty.");
        return trimmed.Length <= options.MaxInputChars
            ? trimmed
            : throw Problems.BadRequest($"'user_input' is {trimmed.Length} characters long; the limit is {options.MaxInputChars}.");
    }
}
