using System.Runtime.CompilerServices;
using System.Text;

namespace Promptly.Speech;

/// <summary>
/// Cuts a reply that arrives in pieces with arbitrary boundaries (a streamed model's tokens) into sentences, each as
/// soon as it is complete, so speaking the first need not wait for the rest of the reply.
/// </summary>
/// <remarks>
/// A sentence ends at <c>.</c>, <c>?</c> or <c>!</c> (with any closing quotes or brackets) followed by whitespace, or at
/// a blank line. Not after a known abbreviation (<c>Dr.</c>, <c>e.g.</c>) or an initial, not inside a number (3.5), and
/// not when the next word begins in lower case ("Well... maybe"). Deciding needs the first character after the
/// whitespace, so a sentence is released when that arrives or at <see cref="Flush"/>. The same text gives the same
/// sentences however it is cut into pieces. Not thread-safe: one per reply.
/// </remarks>
internal sealed class SentenceSplitter
{
    private static readonly HashSet<string> Abbreviations = new(StringComparer.OrdinalIgnoreCase)
    {
        "mr", "mrs", "ms", "dr", "prof", "sr", "jr", "st", "vs", "etc", "e.g", "i.e", "cf", "approx", "inc", "ltd", "corp",
        "jan", "feb", "apr", "jun", "jul", "aug", "sept", "oct", "nov", "dec", "fig", "vol",
    };

    private readonly StringBuilder _text = new();
    private int _scanned;

    /// <summary>Splits a whole stream of pieces; the last sentence is released when the pieces end.</summary>
    public static async IAsyncEnumerable<string> SplitAsync(IAsyncEnumerable<string> pieces, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var splitter = new SentenceSplitter();
        await foreach (var piece in pieces.WithCancellation(cancellationToken))
        {
            foreach (var sentence in splitter.Push(piece)) yield return sentence;
        }

        if (splitter.Flush() is { } last) yield return last;
    }

    /// <summary>Adds a piece; returns the sentences it completed, trimmed, in order.</summary>
    public IReadOnlyList<string> Push(string piece)
    {
        _text.Append(piece);
        List<string>? sentences = null;
        while (NextEnd() is var (end, next))
        {
            var sentence = _text.ToString(0, end).Trim();
            _text.Remove(0, next);
            _scanned = 0;
            if (sentence.Length > 0) (sentences ??= []).Add(sentence);
        }

        return sentences ?? (IReadOnlyList<string>)[];
    }

    /// <summary>The text left when the reply ends, trimmed; null if none.</summary>
    public string? Flush()
    {
        var rest = _text.ToString().Trim();
        _text.Clear();
        _scanned = 0;
        return rest.Length > 0 ? rest : null;
    }

    /// <summary>
    /// Where the first complete sentence ends and where the next one starts, or null when there is none yet.
    /// <see cref="_scanned"/> remembers how far no end was found, so text is not rescanned on every piece.
    /// </summary>
    private (int End, int Next)? NextEnd()
    {
        for (var i = _scanned; i < _text.Length; i++)
        {
            var c = _text[i];
            if (c == '\n')
            {
                if (i + 1 >= _text.Length) return Wait(i);
                if (_text[i + 1] == '\n') return (i, SkipSpace(i));
                continue;
            }

            if (!IsTerminator(c)) continue;
            var after = i + 1;
            while (after < _text.Length && (IsTerminator(_text[after]) || IsCloser(_text[after]))) after++;
            if (after >= _text.Length) return Wait(i);
            if (!char.IsWhiteSpace(_text[after]))
            {
                i = after - 1;
                continue;
            }

            var next = SkipSpace(after);
            if (next >= _text.Length) return Wait(i);
            if (EndsSentence(i, after, next)) return (after, next);
            i = next - 1;
        }

        _scanned = _text.Length;
        return null;
    }

    private (int, int)? Wait(int from)
    {
        _scanned = from;
        return null;
    }

    private int SkipSpace(int from)
    {
        while (from < _text.Length && char.IsWhiteSpace(_text[from])) from++;
        return from;
    }

    /// <summary>Whether the terminator at <paramref name="at"/>, its run ending before <paramref name="after"/>, ends a sentence whose successor starts at <paramref name="next"/>.</summary>
    private bool EndsSentence(int at, int after, int next)
    {
        if (char.IsLower(_text[next])) return false;
        var single = _text[at] == '.' && (after == at + 1 || !IsTerminator(_text[at + 1]));
        if (!single) return true;
        var start = at;
        while (start > 0 && !char.IsWhiteSpace(_text[start - 1])) start--;
        var word = _text.ToString(start, at - start).TrimStart('"', '\'', '(', '[', '“', '‘');
        var initial = word.Length == 1 && char.IsUpper(word[0]);
        return !initial && !Abbreviations.Contains(word);
    }

    private static bool IsTerminator(char c) => c is '.' or '?' or '!' or '…';

    private static bool IsCloser(char c) => c is '"' or '\'' or ')' or ']' or '”' or '’';
}
