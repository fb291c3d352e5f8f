using System.Buffers;
using System.Diagnostics;

namespace Promptly.Guides;

/// <summary>What one answer says, as far as the interview needs to know on every turn.</summary>
/// <param name="ElementIds">Guide elements whose signal words occur in the answer, in guide order.</param>
/// <param name="GivesReason">The answer climbs the ladder: it holds a cue such as "because" or "which means".</param>
/// <param name="WordCount">Words in the answer.</param>
/// <param name="Clauses">The answer cut at its cues: clause 0 names something, each later one is a rung higher.</param>
internal sealed record AnswerAnalysis(IReadOnlyList<string> ElementIds, bool GivesReason, int WordCount, IReadOnlyList<string> Clauses);

/// <summary>
/// Reads an answer for element signals and laddering cues. It runs on every turn, so it looks for all the cues (and
/// all of an element's signals) in one pass of <see cref="SearchValues{T}"/>, ignoring case without a lowercased copy
/// of the answer, and allocates little beyond its result.
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

    private static readonly SearchValues<string> AnyCue = SearchValues.Create(Cues, StringComparison.OrdinalIgnoreCase);

    // The cues without their trailing space ("so i " → "so i"), for an answer that starts with one.
    private static readonly string[] TrimmedCues = [.. Cues.Select(c => c.TrimEnd())];

    public static AnswerAnalysis Analyze(InterviewGuide guide, string text)
    {
        var elements = new List<string>(2);
        // An indexed loop: foreach over an IReadOnlyList boxes its enumerator.
        for (var i = 0; i < guide.Elements.Count; i++)
        {
            if (guide.Elements[i].IsMentionedIn(text)) elements.Add(guide.Elements[i].Id);
        }

        var clauses = SplitAtCues(text);
        return new AnswerAnalysis(elements, clauses.Count > 1 || StartsWithCue(text), CountWords(text), clauses);
    }

    /// <summary>
    /// Where in <paramref name="text"/>, at or after <paramref name="from"/>, one of <paramref name="words"/> first
    /// starts a word, in any case; -1 if nowhere. The character before <paramref name="from"/> counts.
    /// </summary>
    public static int FindWordStart(ReadOnlySpan<char> text, SearchValues<string> words, int from = 0)
    {
        while (from < text.Length)
        {
            var at = text[from..].IndexOfAny(words);
            if (at < 0) return -1;
            at += from;
            if (at == 0 || !char.IsLetterOrDigit(text[at - 1])) return at;
            from = at + 1;
        }

        return -1;
    }

    private static List<string> SplitAtCues(string text)
    {
        var clauses = new List<string>(3);
        var start = 0;
        while (FindWordStart(text, AnyCue, start) is var at and >= 0)
        {
            AddClause(clauses, text, start, at);
            start = at + CueAt(text.AsSpan(at)).Length;
        }

        AddClause(clauses, text, start, text.Length);
        return clauses;
    }

    /// <summary>The cue <paramref name="text"/> starts with: the first in <see cref="Cues"/>' order, so the longer of two wins.</summary>
    private static string CueAt(ReadOnlySpan<char> text)
    {
        foreach (var cue in Cues)
        {
            if (text.StartsWith(cue, StringComparison.OrdinalIgnoreCase)) return cue;
        }

        throw new UnreachableException("SearchValues found a cue that none of the cues starts.");
    }

    private static bool StartsWithCue(string text)
    {
        var trimmed = text.AsSpan().TrimStart();
        foreach (var cue in TrimmedCues)
        {
            if (trimmed.StartsWith(cue, StringComparison.OrdinalIgnoreCase)) return true;
        }

        return false;
    }

    private static void AddClause(List<string> clauses, string text, int start, int end)
    {
        var clause = text.AsSpan(start, end - start).Trim(" \t\r\n,.;:!?-–—\"'()");
        if (clause.Length > 0) clauses.Add(clause.ToString());
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
