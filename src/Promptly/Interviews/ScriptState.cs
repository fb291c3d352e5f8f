namespace Promptly.Interviews;

/// <summary>
/// Where a session stands in its guide: which element is under discussion, how often it was probed, and which
/// elements are covered. <see cref="InterviewScript"/> works on a copy and the copy replaces the session's state
/// only once the turn is stored, so a failed turn leaves nothing behind.
/// </summary>
/// <remarks>
/// A copy shares the original's sets and copies one only when it adds an element that set lacks: every turn takes a
/// copy, and most turns add nothing new to most sets, so copying all three up front allocated about a kilobyte a
/// turn for nothing.
/// </remarks>
internal sealed class ScriptState
{
    private HashSet<string> _covered;
    private HashSet<string> _asked;
    private HashSet<string> _explored;

    // The sets this state may change in place: none of those it shares with a copy.
    private Owned _owned;

    public ScriptState()
        : this(new(StringComparer.Ordinal), new(StringComparer.Ordinal), new(StringComparer.Ordinal), Owned.Covered | Owned.Asked | Owned.Explored)
    {
    }

    private ScriptState(HashSet<string> covered, HashSet<string> asked, HashSet<string> explored, Owned owned)
    {
        _covered = covered;
        _asked = asked;
        _explored = explored;
        _owned = owned;
    }

    public string? CurrentElementId { get; set; }
    public int ProbesOnCurrent { get; set; }

    public IReadOnlySet<string> Covered => _covered;
    public IReadOnlySet<string> Asked => _asked;

    /// <summary>Elements the candidate talked about, asked or not.</summary>
    public IReadOnlySet<string> Explored => _explored;

    public void Cover(string elementId) => Add(ref _covered, Owned.Covered, elementId);

    public void MarkAsked(string elementId) => Add(ref _asked, Owned.Asked, elementId);

    public void Explore(string elementId) => Add(ref _explored, Owned.Explored, elementId);

    /// <summary>A copy to change; from now on neither this state nor the copy changes the sets they share in place.</summary>
    public ScriptState Clone()
    {
        _owned = Owned.None;
        return new ScriptState(_covered, _asked, _explored, Owned.None) { CurrentElementId = CurrentElementId, ProbesOnCurrent = ProbesOnCurrent };
    }

    private void Add(ref HashSet<string> set, Owned which, string elementId)
    {
        if (set.Contains(elementId)) return;
        if ((_owned & which) == 0)
        {
            set = new HashSet<string>(set, StringComparer.Ordinal);
            _owned |= which;
        }

        set.Add(elementId);
    }

    [Flags]
    private enum Owned
    {
        None = 0,
        Covered = 1,
        Asked = 2,
        Explored = 4,
    }
}
