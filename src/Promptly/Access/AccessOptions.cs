using System.ComponentModel.DataAnnotations;

namespace Promptly.Access;

/// <summary>Who may call the API. Bound from the <c>Auth</c> section.</summary>
internal sealed class AccessOptions
{
    public const string Section = "Auth";

    /// <summary>
    /// Operators' API keys, sent as <c>Authorization: Bearer …</c>; several, so that a key can be rotated without
    /// downtime (add the new one, move the clients, remove the old one). Empty (default): a key is generated at the
    /// first start and kept in <see cref="KeyFile"/>.
    /// </summary>
    public List<string> OperatorKeys { get; set; } = [];

    /// <summary>Where the generated operator key is kept (owner-only permissions). Default <c>operator.key</c> in <c>Storage:DataFolder</c>.</summary>
    public string? KeyFile { get; set; }

    /// <summary>How long a candidate's session token lasts from the session's start, in hours. Default 24.</summary>
    [Range(1, 24 * 366)]
    public int SessionTokenHours { get; set; } = 24;

    /// <summary>
    /// Whether anybody may start a PRACTICE session without a key or an invitation (a practice page open to the
    /// public). Default true. Invited screenings always need an invitation or an operator.
    /// </summary>
    public bool OpenPracticeSessions { get; set; } = true;
}
