
namespace Promptly.Guides;

/// <summary>What one answer says, as far as the interview needs to know on every turn.</summary>
/// <param name="ElementIds">Guide elements whose signal words occur in the answer, in guide order.</param>
/// <param name="GivesReason">The answer climbs the ladder: it holds a cue such as "because" or "which means".</param>
/// <param name="WordCount">Words in the answer.</param>
/// <param name="Clauses">The answer cut at its cues: clause 0 names something, each later one is a rung higher.</param>
internal sealed record AnswerAnalysis(IReadOnlyList<string> ElementIds, bool GivesReason, int WordCount, IReadOnlyList<string> Clauses);

/// <summary>
/// Reads an answer for element signals and laddering cues. It runs on every turn, so it scans the lowercased text
/// with ordinal searches and allocates little beyond its result.
/// </summary>
internal static class AnswerAnalyzer
{
    /// <summary>Words that lead from a thing to why it matters (laddering cues), longest first so "so that" wins over "so".</summary>
    public static readonly string[] Cues =
    [
        "which means", "that means", "this means", "it means", "in order to", "that's why", "thats why", "so that",
        "that way", "which lets", "which helps", "because", "helps me", "lets me", "so i ", "so we ", "so my ", "so it ",
        "since", "meaning",
    ];

    public static AnswerAnalysis Analyze(InterviewGuide guide, string text)
    {
        var lower = text.ToLowerInvariant();
        var elements = new List<string>(2);
        // Indexed loops here and in Mentions: foreach over an IReadOnlyList boxes its enumerator, once per element.
        for (var i = 0; i < guide.Elements.Count; i++)
        {
            if (Mentions(lower, guide.Elements[i].Signals)) elements.Add(guide.Elements[i].Id);
        }

        var clauses = SplitAtCues(text, lower);
        return new AnswerAnalysis(elements, clauses.Count > 1 || StartsWithCue(lower), CountWords(text), clauses);
    }

    /// <summary>Whether <paramref name="lowerText"/> holds one of <paramref name="signals"/> at a word start.</summary>
    public static bool Mentions(string lowerText, IReadOnlyList<string> signals)
    {
        for (var i = 0; i < signals.Count; i++)
        {
            if (FindWord(lowerText, signals[i], 0) >= 0) return true;
        }

        return false;
    }

    private static List<string> SplitAtCues(string text, string lower)
    {
        var clauses = new List<string>(3);
        var start = 0;
        while (true)
        {
            var (at, length) = NextCue(lower, start);
            if (at < 0)
            {
                AddClause(clauses, text, start, text.Length);
                return clauses;
            }

            AddClause(clauses, text, start, at);
            start = at + length;
        }
    }

    private static (int At, int Length) NextCue(string lower, int from)
    {
        var best = -1;
        var length = 0;
        foreach (var cue in Cues)
        {
            var at = FindWord(lower, cue, from);
            if (at >= 0 && (best < 0 || at < best))
            {
                best = at;
                length = cue.Length;
            }
        }

        return (best, length);
    }

    // The cues without their trailing space ("so i " → "so i"), trimmed once rather than on every answer.
    private static readonly string[] TrimmedCues = [.. Cues.Select(c => c.TrimEnd())];

    private static bool StartsWithCue(string lower)
    {
        var trimmed = lower.AsSpan().TrimStart();
        foreach (var cue in TrimmedCues)
        {
            if (trimmed.StartsWith(cue, StringComparison.Ordinal)) return true;
        }

        return false;
    }

    private static void AddClause(List<string> clauses, string text, int start, int end)
    {
        var clause = text.AsSpan(start, end - start).Trim(" \t\r\n,.;:!?-–—\"'()");
        if (clause.Length > 0) clauses.Add(clause.ToString());
    }

    /// <summary>The next index at or after <paramref name="from"/> where <paramref name="word"/> starts a word.</summary>
    private static int FindWord(string text, string word, int from)
    {
        while (from <= text.Length - word.Length)
        {
            var at = text.IndexOf(word, from, StringComparison.Ordinal);
            if (at < 0) return -1;
            if (at == 0 || !char.IsLetterOrDigit(text[at - 1])) return at;
            from = at + 1;
        }

        return -1;
    }

    private static int CountWords(string text)
    {
        var count = 0;
        var inWord = false;
        foreach (var c in text)
        {
            if (char.IsWhiteSpace(c))
            {
                inWord = false;
            }
            else if (!inWord)
            {
                inWord = true;
                count++;
            }
        }

        return count;
    }
}
