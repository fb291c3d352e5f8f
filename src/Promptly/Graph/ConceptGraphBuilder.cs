using Promptly.Guides;

namespace Promptly.Graph;

/// <summary>
/// Builds the means-end concept graph of an interview from the candidate's answers:
/// <list type="bullet">
/// <item>each answer is cut at its laddering cues (<see cref="AnswerAnalyzer.Cues"/>); its first clause is an
/// <c>attribute</c> and each following clause one rung higher, linked by a <c>leads_to</c> edge;</item>
/// <item>an answer to a probe on the element the previous answer ended on continues that chain: its first clause is
/// one rung above the previous answer's last node and linked from it, so "because it keeps me healthy" is no orphan;</item>
/// <item>a node belongs to the element asked about when its clause names that element's signals, else to the first
/// element whose signals the clause names, else to the first element the answer names, else to the one asked about;</item>
/// <item>nodes of the same type and label merge, keeping every utterance they came from.</item>
/// </list>
/// </summary>
internal static class ConceptGraphBuilder
{
    private const int MaxLabelWords = 8;
    private static readonly string[] Fillers = ["i think", "i guess", "well", "um", "uh", "honestly", "and", "but", "it's", "its", "it is", "that", "just"];
    private static readonly char[] Edges = " \t\r\n,.;:!?-\"'()".ToCharArray();

    public static ConceptGraph Build(InterviewGuide guide, IEnumerable<CandidateAnswer> answers)
    {
        var nodes = new List<MutableNode>();
        var byKey = new Dictionary<(string Type, string Label), MutableNode>();
        var edges = new List<ConceptEdge>();
        var edgeKeys = new HashSet<(string, string)>();
        MutableNode? previousLast = null;

        foreach (var answer in answers)
        {
            var analysis = AnswerAnalyzer.Analyze(guide, answer.Text);
            var answerElement = analysis.ElementIds.FirstOrDefault() ?? answer.AskedElementId;
            var continues = previousLast is not null && answer.AskedElementId is not null && previousLast.ElementId == answer.AskedElementId;
            var level = continues ? MeansEndLevel.Next(previousLast!.Type) : MeansEndLevel.Attribute;
            var from = continues ? previousLast : null;
            MutableNode? last = null;

            foreach (var clause in analysis.Clauses)
            {
                var label = Label(clause);
                if (label.Length == 0) continue;
                var element = ElementOf(guide, clause, answer.AskedElementId) ?? answerElement;
                if (!byKey.TryGetValue((level, label), out var node))
                {
                    node = new MutableNode($"n{nodes.Count + 1}", level, label, element);
                    byKey[(level, label)] = node;
                    nodes.Add(node);
                }

                if (!node.UtteranceIds.Contains(answer.UtteranceId)) node.UtteranceIds.Add(answer.UtteranceId);
                if (from is not null && from != node && edgeKeys.Add((from.Id, node.Id)))
                {
                    edges.Add(new ConceptEdge(from.Id, node.Id, "leads_to"));
                }

                from = node;
                last = node;
                level = MeansEndLevel.Next(level);
            }

            previousLast = last ?? previousLast;
        }

        var linked = new HashSet<string>(edges.SelectMany(e => new[] { e.From, e.To }));
        var explored = guide.Elements.Where(e => nodes.Any(n => n.ElementId == e.Id)).Select(e => e.Id).ToList();
        var stats = new ConceptGraphStats(
            nodes.Count,
            edges.Count,
            guide.Elements.Count == 0 ? 0 : Math.Round(explored.Count / (double)guide.Elements.Count, 4),
            nodes.Count == 0 ? 0 : Math.Round(nodes.Count(n => !linked.Contains(n.Id)) / (double)nodes.Count, 4),
            explored);
        return new ConceptGraph([.. nodes.Select(n => n.ToNode())], edges, stats);
    }

    private static string? ElementOf(InterviewGuide guide, string clause, string? askedElementId)
    {
        var lower = clause.ToLowerInvariant();
        if (askedElementId is not null && guide.FindElement(askedElementId) is { } asked && AnswerAnalyzer.Mentions(lower, asked.Signals))
        {
            return asked.Id;
        }

        for (var i = 0; i < guide.Elements.Count; i++)
        {
            if (AnswerAnalyzer.Mentions(lower, guide.Elements[i].Signals)) return guide.Elements[i].Id;
        }

        return null;
    }

    /// <summary>The clause lowercased, without leading filler and trailing punctuation, cut to a few words.</summary>
    public static string Label(string clause)
    {
        var text = clause.ToLowerInvariant().Trim(Edges);
        bool stripped;
        do
        {
            stripped = false;
            foreach (var filler in Fillers)
            {
                if (text == filler)
                {
                    return "";
                }

                if (text.Length > filler.Length && text.StartsWith(filler, StringComparison.Ordinal) && text[filler.Length] is ' ' or ',')
                {
                    text = text[filler.Length..].TrimStart(' ', ',');
                    stripped = true;
                }
            }
        }
        while (stripped);

        var words = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return string.Join(' ', words.Take(MaxLabelWords)).TrimEnd(',', '.', ';', ':', '!', '?');
    }

    private sealed class MutableNode(string id, string type, string label, string? elementId)
    {
        public string Id { get; } = id;
        public string Type { get; } = type;
        public string Label { get; } = label;
        public string? ElementId { get; } = elementId;
        public List<string> UtteranceIds { get; } = [];

        public ConceptNode ToNode() => new(Id, Type, Label, ElementId, UtteranceIds);
    }
}
