using Promptly.Guides;
using Promptly.Interviews;

namespace Promptly.Graph;

/// <summary>The concept graph of a transcript: the one way its candidate lines become answers, for the graph route, exports and the core's figures.</summary>
internal sealed class TranscriptGraph : IConceptGraphFigures
{
    public static ConceptGraph Of(InterviewGuide guide, IEnumerable<TranscriptMessage> transcript) =>
        ConceptGraphBuilder.Build(guide, transcript
            .Where(m => m.Role == MessageRoles.Candidate)
            .Select(m => new CandidateAnswer(m.UtteranceId, m.Content, m.ElementId)));

    public double OrphanRatio(InterviewGuide guide, IEnumerable<TranscriptMessage> transcript) => Of(guide, transcript).Stats.OrphanRatio;
}
