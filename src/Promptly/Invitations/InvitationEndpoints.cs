using System.Security.Cryptography;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Promptly.Access;
using Promptly.Budget;
using Promptly.Guides;
using Promptly.Http;
using Promptly.Interviews;
using Promptly.Latency;

namespace Promptly.Invitations;

/// <summary>
/// Invited screenings: an operator issues an invitation (with an expiry), lists and revokes them; the token alone
/// starts exactly one INVITED session, which is how a candidate without a key gets in.
/// </summary>
internal static class InvitationEndpoints
{
    public static IHostApplicationBuilder AddInvitations(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<InvitationOptions>().BindConfiguration(InvitationOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddJsonContext(InvitationsJson.Default);
        return builder;
    }

    public static IEndpointRouteBuilder MapInvitations(this IEndpointRouteBuilder app)
    {
        var invitations = app.MapGroup("/invitations").WithTags("Invitations").ProducesRequestProblems();
        invitations.MapPost("/", CreateAsync).WithName("CreateInvitation").RequireOperator()
            .WithSummary("Issues a token that starts one INVITED interview before it expires (expires_in_hours, default Invitations:ExpiryHours).");
        invitations.MapGet("/", ListAsync).WithQuery("before", "limit").WithName("ListInvitations").RequireOperator()
            .WithSummary("Invitations, newest first, with their status (open, used, expired, revoked); 'before' pages on.");
        invitations.MapGet("/{token}", GetAsync).WithName("GetInvitation").RequireOperator().WithSummary("Whether the invitation was used, and by which session.");
        invitations.MapDelete("/{token}", RevokeAsync).WithName("RevokeInvitation").RequireOperator()
            .WithSummary("Revokes an unused invitation: it can no longer start a session.");
        invitations.MapPost("/{token}/start", StartAsync).WithName("StartInvitation").AllowAnonymous().RequireRateLimiting(AccessRegistration.StartLimit)
            .ProducesAccessProblems().ProducesProblem(StatusCodes.Status410Gone)
            .WithSummary("Starts the invited interview and answers with the candidate's session token; a second start gets 409, an expired or revoked invitation 410.");
        return app;
    }

    private static async Task<Results<Ok<InvitationView>, BadRequestProblem>> CreateAsync(
        HttpContext context, GuideCatalog guides, IInvitationStore store, IOptions<InterviewOptions> options, IOptions<InvitationOptions> invitationOptions, TimeProvider time)
    {
        var body = await JsonBody.ReadAsync(context.Request, InvitationsJson.Default.InvitationRequest);
        if (string.IsNullOrWhiteSpace(body.ConceptId)) throw Problems.BadRequest("'concept_id' is required.");
        var hours = body.ExpiresInHours ?? invitationOptions.Value.ExpiryHours;
        if (hours is < 1 or > InvitationOptions.MaxExpiryHours) throw Problems.BadRequest($"'expires_in_hours' must be from 1 to {InvitationOptions.MaxExpiryHours}.");
        InterviewGuide guide;
        try
        {
            guide = guides.Get(body.ConceptId.Trim());
        }
        catch (UnknownConceptException e)
        {
            return InterviewProblems.UnknownConcept(e, context);
        }

        var now = time.GetStoredNow();
        var invitation = new Invitation(NewToken(), guide.Id, InterviewEndpoints.ValidateCandidate(body.Candidate, options.Value), now, null, null, now.AddHours(hours));
        await store.CreateInvitationAsync(invitation, context.RequestAborted);
        return TypedResults.Ok(InvitationView.From(invitation, now));
    }

    private static async Task<Ok<InvitationList>> ListAsync(HttpContext context, IInvitationStore store, TimeProvider time)
    {
        var query = context.Request.Query;
        var limit = TimeWindow.ParseLimit(query, "limit", fallback: 50, max: 1000);
        DateTimeOffset? before = query["before"].ToString() is { Length: > 0 } text ? TimeWindow.ParseTime("before", text) : null;
        var page = await store.ListInvitationsAsync(before, limit, context.RequestAborted);
        var now = time.GetUtcNow();
        return TypedResults.Ok(new InvitationList([.. page.Select(i => InvitationView.From(i, now))], page.Count == limit ? page[^1].CreatedAt : null));
    }

    private static async Task<Results<Ok<InvitationView>, NotFoundProblem>> GetAsync(string token, HttpContext context, IInvitationStore store, TimeProvider time) =>
        await store.FindInvitationAsync(token, context.RequestAborted) is { } invitation
            ? TypedResults.Ok(InvitationView.From(invitation, time.GetUtcNow()))
            : InterviewProblems.NotFound(new InvitationNotFoundException(token), context);

    private static async Task<Results<Ok<InvitationView>, NotFoundProblem>> RevokeAsync(string token, HttpContext context, IInvitationStore store, TimeProvider time)
    {
        if (!await store.RevokeInvitationAsync(token, time.GetStoredNow(), context.RequestAborted)) return InterviewProblems.NotFound(new InvitationNotFoundException(token), context);
        return await GetAsync(token, context, store, time);
    }

    private static async Task<Results<Ok<SessionStartedResponse>, BadRequestProblem, NotFoundProblem, ConflictProblem, BadGatewayProblem, ForbidHttpResult>> StartAsync(
        string token, HttpContext context, IInvitationStore store, InterviewService interviews, SessionTokens tokens, TimeProvider time)
    {
        if (await store.FindInvitationAsync(token, context.RequestAborted) is not { } invitation)
        {
            return InterviewProblems.NotFound(new InvitationNotFoundException(token), context);
        }

        if (invitation.SessionId is not null)
        {
            return InterviewProblems.Conflict(new InvitationUsedException($"Invitation '{invitation.Token}' has already started a session."), context);
        }

        if (invitation.Closed(time.GetUtcNow()) is { } why)
        {
            throw new ApiProblemException(StatusCodes.Status410Gone, $"Invitation {why}", $"Invitation '{invitation.Token}' was {why}; ask for a new one.");
        }

        return await InterviewEndpoints.StartedAsync(
            interviews, tokens, new StartInterview(invitation.ConceptId, InterviewTypes.Invited, invitation.Candidate, invitation.Token), context, time);
    }

    // 144 random bits: unguessable, and URL-safe so it can sit in a link.
    private static string NewToken() => WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(18));
}

internal sealed record InvitationRequest(string? ConceptId, string? Candidate, int? ExpiresInHours);

internal sealed record InvitationView(
    string Token, string ConceptId, string? Candidate, DateTimeOffset CreatedAt, string Status, bool Used, string? SessionId, DateTimeOffset? StartedAt,
    DateTimeOffset? ExpiresAt, DateTimeOffset? RevokedAt, string StartUrl)
{
    public static InvitationView From(Invitation i, DateTimeOffset now) =>
        new(i.Token, i.ConceptId, i.Candidate, i.CreatedAt, i.Status(now), i.SessionId is not null, i.SessionId, i.StartedAt, i.ExpiresAt, i.RevokedAt,
            $"/invitations/{i.Token}/start");
}

/// <summary>A page of invitations; <c>next_before</c> asks for the next page when there may be one.</summary>
internal sealed record InvitationList(IReadOnlyList<InvitationView> Invitations, DateTimeOffset? NextBefore);
