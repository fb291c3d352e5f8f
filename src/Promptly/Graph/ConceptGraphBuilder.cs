using System.Buffers;
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

        var explored = Explored(guide, nodes);
        var stats = new ConceptGraphStats(
            nodes.Count,
            edges.Count,
            guide.Elements.Count == 0 ? 0 : Math.Round(explored.Count / (double)guide.Elements.Count, 4),
            nodes.Count == 0 ? 0 : Math.Round(Orphans(nodes, edges) / (double)nodes.Count, 4),
            explored);
        return new ConceptGraph([.. nodes.Select(n => n.ToNode())], edges, stats);
    }

    /// <summary>The guide's elements some node belongs to, in guide order.</summary>
    private static List<string> Explored(InterviewGuide guide, List<MutableNode> nodes)
    {
        var named = new HashSet<string?>(nodes.Count, StringComparer.Ordinal);
        foreach (var node in nodes) named.Add(node.ElementId);
        var explored = new List<string>(named.Count);
        for (var i = 0; i < guide.Elements.Count; i++)
        {
            if (named.Contains(guide.Elements[i].Id)) explored.Add(guide.Elements[i].Id);
        }

        return explored;
    }

    /// <summary>Nodes that no edge starts or ends at.</summary>
    private static int Orphans(List<MutableNode> nodes, List<ConceptEdge> edges)
    {
        var linked = new HashSet<string>(2 * edges.Count, StringComparer.Ordinal);
        foreach (var edge in edges)
        {
            linked.Add(edge.From);
            linked.Add(edge.To);
        }

        var orphans = 0;
        foreach (var node in nodes)
        {
            if (!linked.Contains(node.Id)) orphans++;
        }

        return orphans;
    }

    private static string? ElementOf(InterviewGuide guide, string clause, string? askedElementId)
    {
        if (askedElementId is not null && guide.FindElement(askedElementId) is { } asked && asked.IsMentionedIn(clause))
        {
            return asked.Id;
        }

        for (var i = 0; i < guide.Elements.Count; i++)
        {
            if (guide.Elements[i].IsMentionedIn(clause)) return guide.Elements[i].Id;
        }

        return null;
    }

    /// <summary>The clause lowercased, without leading filler and trailing punctuation, cut to a few words.</summary>
    public static string Label(string clause)
    {
        var text = clause.ToLowerInvariant().AsSpan().Trim(Edges);
        bool stripped;
        do
        {
            stripped = false;
            foreach (var filler in Fillers)
            {
                if (text.SequenceEqual(filler))
                {
                    return "";
                }

                if (text.Length > filler.Length && text.StartsWith(filler, StringComparison.Ordinal) && text[filler.Length] is ' ' or ',')
                {
                    text = text[filler.Length..].TrimStart(" ,");
                    stripped = true;
                }
            }
        }
        while (stripped);

        return FirstWords(text);
    }

    /// <summary>
    /// The first <see cref="MaxLabelWords"/> space-separated words of <paramref name="text"/>, one space between each,
    /// without trailing punctuation: built in one buffer rather than split into strings and joined again.
    /// </summary>
    private static string FirstWords(ReadOnlySpan<char> text)
    {
        var buffer = ArrayPool<char>.Shared.Rent(Math.Max(1, text.Length));
        try
        {
            var length = 0;
            for (var words = 0; words < MaxLabelWords; words++)
            {
                text = text.TrimStart(' ');
                if (text.IsEmpty) break;
                var end = text.IndexOf(' ');
                var word = end < 0 ? text : text[..end];
                if (words > 0) buffer[length++] = ' ';
                word.CopyTo(buffer.AsSpan(length));
                length += word.Length;
                text = text[word.Length..];
            }

            return new string(buffer.AsSpan(0, length).TrimEnd(",.;:!?"));
        }
        finally
        {
            ArrayPool<char>.Shared.Return(buffer);
        }
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
