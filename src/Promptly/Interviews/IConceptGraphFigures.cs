using Promptly.Guides;

namespace Promptly.Interviews;

/// <summary>
/// The concept graph's figures for a transcript, measured when an interview completes. Implemented by the graph
/// feature, which is built on this one (a graph is made of interviews), so the core can ask without knowing it.
/// </summary>
internal interface IConceptGraphFigures
{
    /// <summary>Share of the graph's nodes linked to no other; 0 for a graph without nodes.</summary>
    double OrphanRatio(InterviewGuide guide, IEnumerable<TranscriptMessage> transcript);
}
