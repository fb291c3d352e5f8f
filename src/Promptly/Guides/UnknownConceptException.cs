namespace Promptly.Guides;

/// <summary>No loaded guide has the id asked for.</summary>
internal sealed class UnknownConceptException(string conceptId, IReadOnlyList<string> known)
    : Exception($"There is no concept '{conceptId}'. Known concepts: {string.Join(", ", known)}.")
{
    public string ConceptId { get; } = conceptId;

    /// <summary>The ids that do exist, so the answer can list them.</summary>
    public IReadOnlyList<string> Known { get; } = known;
}
