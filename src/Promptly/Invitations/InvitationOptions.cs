using System.ComponentModel.DataAnnotations;

namespace Promptly.Invitations;

/// <summary>Invitations. Bound from the <c>Invitations</c> section.</summary>
internal sealed class InvitationOptions
{
    public const string Section = "Invitations";

    public const int MaxExpiryHours = 24 * 366;

    /// <summary>How long an invitation can start its session when its creator does not say, in hours. Default 168 (a week).</summary>
    [Range(1, MaxExpiryHours)]
    public int ExpiryHours { get; set; } = 168;
}
