namespace Promptly.Invitations;

/// <summary>Invitations to INVITED interviews. A session claims its invitation when it is created (<c>IInterviewStore.CreateSessionAsync</c>).</summary>
internal interface IInvitationStore
{
    /// <summary>Stores a new invitation durably.</summary>
    Task CreateInvitationAsync(Invitation invitation, CancellationToken cancellationToken);

    Task<Invitation?> FindInvitationAsync(string token, CancellationToken cancellationToken);
}
