namespace Promptly.Interviews;

/// <summary>
/// Where a session stands in its guide: which element is under discussion, how often it was probed, and which
/// elements are covered. <see cref="InterviewScript"/> works on a copy and the copy replaces the session's state
/// only once the turn is stored, so a failed turn leaves nothing behind.
/// </summary>
internal sealed class ScriptState
{
    public string? CurrentElementId { get; set; }
    public int ProbesOnCurrent { get; set; }
    public HashSet<string> Covered { get; init; } = new(StringComparer.Ordinal);
    public HashSet<string> Asked { get; init; } = new(StringComparer.Ordinal);

    /// <summary>Elements the candidate talked about, asked or not.</summary>
    public HashSet<string> Explored { get; init; } = new(StringComparer.Ordinal);

    public ScriptState Clone() => new()
    {
        CurrentElementId = CurrentElementId,
        ProbesOnCurrent = ProbesOnCurrent,
        Covered = new HashSet<string>(Covered, StringComparer.Ordinal),
        Asked = new HashSet<string>(Asked, StringComparer.Ordinal),
        Explored = new HashSet<string>(Explored, StringComparer.Ordinal),
    };
}
