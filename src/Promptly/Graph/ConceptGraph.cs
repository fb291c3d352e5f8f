namespace Promptly.Graph;

/// <summary>One answer of the candidate, in interview order.</summary>
/// <param name="AskedElementId">The guide element the interviewer's preceding question or probe was about.</param>
internal sealed record CandidateAnswer(string UtteranceId, string Text, string? AskedElementId);

/// <summary>A concept the candidate named, typed by its rung on the means-end chain.</summary>
internal sealed record ConceptNode(string Id, string Type, string Label, string? ElementId, IReadOnlyList<string> UtteranceIds);

/// <summary>"From leads to To": the candidate said the one because of, or so as to get, the other.</summary>
internal sealed record ConceptEdge(string From, string To, string Type);

/// <summary>
/// <see cref="ElementCoverage"/>: share of the guide's elements with at least one node.
/// <see cref="OrphanRatio"/>: share of nodes with no edge.
/// </summary>
internal sealed record ConceptGraphStats(int NodeCount, int EdgeCount, double ElementCoverage, double OrphanRatio, IReadOnlyList<string> ElementsExplored);

internal sealed record ConceptGraph(IReadOnlyList<ConceptNode> Nodes, IReadOnlyList<ConceptEdge> Edges, ConceptGraphStats Stats);
