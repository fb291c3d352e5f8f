namespace Promptly.Invitations;

/// <summary>Invitations to INVITED interviews. A session claims its invitation when it is created (<c>IInterviewStore.CreateSessionAsync</c>).</summary>
internal interface IInvitationStore
{
    /// <summary>Stores a new invitation durably.</summary>
    Task CreateInvitationAsync(Invitation invitation, CancellationToken cancellationToken);

    Task<Invitation?> FindInvitationAsync(string token, CancellationToken cancellationToken);

    /// <summary>The newest invitations first, up to <paramref name="limit"/>, created before <paramref name="before"/> when given (the next page).</summary>
    Task<IReadOnlyList<Invitation>> ListInvitationsAsync(DateTimeOffset? before, int limit, CancellationToken cancellationToken);

    /// <summary>Revokes an unused invitation; false when there is none by that token. A used one stays used.</summary>
    Task<bool> RevokeInvitationAsync(string token, DateTimeOffset at, CancellationToken cancellationToken);
}
