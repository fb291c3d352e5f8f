using System.Security.Cryptography;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Promptly.Guides;
using Promptly.Http;
using Promptly.Interviews;
using Promptly.Storage;
using Promptly.Telemetry;

namespace Promptly.Invitations;

/// <summary>Invited screenings: an invitation token starts exactly one INVITED session.</summary>
public static class InvitationEndpoints
{
    public static IEndpointRouteBuilder MapInvitations(this IEndpointRouteBuilder app)
    {
        var invitations = app.MapGroup("/invitations").WithTags("Invitations");
        invitations.MapPost("/", CreateAsync).WithName("CreateInvitation").WithSummary("Issues a token that starts one INVITED interview.");
        invitations.MapGet("/{token}", GetAsync).WithName("GetInvitation").WithSummary("Whether the invitation was used, and by which session.");
        invitations.MapPost("/{token}/start", StartAsync).WithName("StartInvitation").WithSummary("Starts the invited interview; a second start gets 409.");
        return app;
    }

    private static async Task<Ok<InvitationView>> CreateAsync(
        HttpRequest request, GuideCatalog guides, IInterviewStore store, IOptions<InterviewOptions> options, TimeProvider time)
    {
        var body = await JsonBody.ReadAsync(request, PromptlyJson.Default.InvitationRequest);
        if (string.IsNullOrWhiteSpace(body.ConceptId)) throw Problems.BadRequest("'concept_id' is required.");
        var guide = guides.Find(body.ConceptId.Trim()) ?? throw Problems.UnknownConcept(body.ConceptId, guides);
        var invitation = new Invitation(NewToken(), guide.Id, InterviewEndpoints.ValidateCandidate(body.Candidate, options.Value), time.GetStoredNow(), null, null);
        await store.CreateInvitationAsync(invitation, request.HttpContext.RequestAborted);
        return TypedResults.Ok(InvitationView.From(invitation));
    }

    private static async Task<Ok<InvitationView>> GetAsync(string token, IInterviewStore store, CancellationToken cancellationToken) =>
        TypedResults.Ok(InvitationView.From(await FindAsync(token, store, cancellationToken)));

    private static async Task<Ok<SessionStartedResponse>> StartAsync(string token, HttpContext context, IInterviewStore store, InterviewService interviews, TimeProvider time)
    {
        var arrival = context.ArrivalTimestamp(time);
        var invitation = await FindAsync(token, store, context.RequestAborted);
        if (invitation.SessionId is not null) throw Used(invitation);
        var started = await interviews.StartAsync(
            new StartInterview(invitation.ConceptId, InterviewTypes.Invited, invitation.Candidate, invitation.Token), arrival, context.RequestAborted);
        return TypedResults.Ok(InterviewEndpoints.Started(started));
    }

    private static async Task<Invitation> FindAsync(string token, IInterviewStore store, CancellationToken cancellationToken) =>
        await store.FindInvitationAsync(token, cancellationToken)
            ?? throw Problems.NotFound("Invitation not found", $"There is no invitation '{token}'.");

    private static ApiProblemException Used(Invitation invitation) =>
        Problems.Conflict($"Invitation '{invitation.Token}' has already started session '{invitation.SessionId}'.");

    // 144 random bits: unguessable, and URL-safe so it can sit in a link.
    private static string NewToken() => WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(18));
}

public sealed record InvitationRequest(string? ConceptId, string? Candidate);

public sealed record InvitationView(string Token, string ConceptId, string? Candidate, DateTimeOffset CreatedAt, bool Used, string? SessionId, DateTimeOffset? StartedAt, string StartUrl)
{
    public static InvitationView From(Invitation i) =>
        new(i.Token, i.ConceptId, i.Candidate, i.CreatedAt, i.SessionId is not null, i.SessionId, i.StartedAt, $"/invitations/{i.Token}/start");
}
