using System.Security.Cryptography;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Promptly.Budget;
using Promptly.Guides;
using Promptly.Http;
using Promptly.Interviews;
using Promptly.Latency;

namespace Promptly.Invitations;

/// <summary>Invited screenings: an invitation token starts exactly one INVITED session.</summary>
internal static class InvitationEndpoints
{
    public static IHostApplicationBuilder AddInvitations(this IHostApplicationBuilder builder)
    {
        builder.Services.AddJsonContext(InvitationsJson.Default);
        return builder;
    }

    public static IEndpointRouteBuilder MapInvitations(this IEndpointRouteBuilder app)
    {
        var invitations = app.MapGroup("/invitations").WithTags("Invitations").ProducesRequestProblems();
        invitations.MapPost("/", CreateAsync).WithName("CreateInvitation").WithSummary("Issues a token that starts one INVITED interview.");
        invitations.MapGet("/{token}", GetAsync).WithName("GetInvitation").WithSummary("Whether the invitation was used, and by which session.");
        invitations.MapPost("/{token}/start", StartAsync).WithName("StartInvitation").WithSummary("Starts the invited interview; a second start gets 409.");
        return app;
    }

    private static async Task<Results<Ok<InvitationView>, BadRequestProblem>> CreateAsync(
        HttpContext context, GuideCatalog guides, IInvitationStore store, IOptions<InterviewOptions> options, TimeProvider time)
    {
        var body = await JsonBody.ReadAsync(context.Request, InvitationsJson.Default.InvitationRequest);
        if (string.IsNullOrWhiteSpace(body.ConceptId)) throw Problems.BadRequest("'concept_id' is required.");
        InterviewGuide guide;
        try
        {
            guide = guides.Get(body.ConceptId.Trim());
        }
        catch (UnknownConceptException e)
        {
            return InterviewProblems.UnknownConcept(e, context);
        }

        var invitation = new Invitation(NewToken(), guide.Id, InterviewEndpoints.ValidateCandidate(body.Candidate, options.Value), time.GetStoredNow(), null, null);
        await store.CreateInvitationAsync(invitation, context.RequestAborted);
        return TypedResults.Ok(InvitationView.From(invitation));
    }

    private static async Task<Results<Ok<InvitationView>, NotFoundProblem>> GetAsync(string token, HttpContext context, IInvitationStore store) =>
        await store.FindInvitationAsync(token, context.RequestAborted) is { } invitation
            ? TypedResults.Ok(InvitationView.From(invitation))
            : InterviewProblems.NotFound(new InvitationNotFoundException(token), context);

    private static async Task<Results<Ok<SessionStartedResponse>, BadRequestProblem, NotFoundProblem, ConflictProblem, BadGatewayProblem>> StartAsync(
        string token, HttpContext context, IInvitationStore store, InterviewService interviews, TimeProvider time)
    {
        if (await store.FindInvitationAsync(token, context.RequestAborted) is not { } invitation)
        {
            return InterviewProblems.NotFound(new InvitationNotFoundException(token), context);
        }

        if (invitation.SessionId is not null)
        {
            return InterviewProblems.Conflict(new InvitationUsedException($"Invitation '{invitation.Token}' has already started session '{invitation.SessionId}'."), context);
        }

        return await InterviewEndpoints.StartedAsync(
            interviews, new StartInterview(invitation.ConceptId, InterviewTypes.Invited, invitation.Candidate, invitation.Token), context, time);
    }

    // 144 random bits: unguessable, and URL-safe so it can sit in a link.
    private static string NewToken() => WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(18));
}

internal sealed record InvitationRequest(string? ConceptId, string? Candidate);

internal sealed record InvitationView(string Token, string ConceptId, string? Candidate, DateTimeOffset CreatedAt, bool Used, string? SessionId, DateTimeOffset? StartedAt, string StartUrl)
{
    public static InvitationView From(Invitation i) =>
        new(i.Token, i.ConceptId, i.Candidate, i.CreatedAt, i.SessionId is not null, i.SessionId, i.StartedAt, $"/invitations/{i.Token}/start");
}
