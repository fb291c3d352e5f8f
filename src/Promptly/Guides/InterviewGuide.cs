using System.Buffers;

namespace Promptly.Guides;

/// <summary>
/// An interview guide ("concept"): what the interviewer says first and last, and the elements it must explore in between.
/// Loaded from JSON or YAML data files; see <see cref="GuideCatalog"/>.
/// </summary>
internal sealed record InterviewGuide
{
    /// <summary>Hard ceiling on <see cref="MaxTurns"/>: longer interviews lose the candidate and blow up prompt sizes.</summary>
    public const int MaxTurnsCeiling = 30;

    public required string Id { get; init; }
    public required string Title { get; init; }

    /// <summary>research, job_practice or screening: informs tone only.</summary>
    public string Kind { get; init; } = "research";
    public string Description { get; init; } = "";
    public required string Greeting { get; init; }

    /// <summary>Used when the interviewer cannot produce a greeting (a failing provider): the interview still starts.</summary>
    public string? FallbackGreeting { get; init; }
    public required string Closing { get; init; }
    public double TargetCoverage { get; init; } = 0.8;
    public int MaxTurns { get; init; } = 20;

    /// <summary>How many follow-up probes an element gets before the interviewer moves on.</summary>
    public int MaxProbesPerElement { get; init; } = 1;

    /// <summary>
    /// When true, an element the candidate already covered in passing is still asked about: a practice job interview
    /// promises its questions, while research interviews (the default) skip what was said to save the candidate's time.
    /// </summary>
    public bool AskEveryElement { get; init; }
    public required IReadOnlyList<GuideElement> Elements { get; init; }

    public GuideElement? FindElement(string id)
    {
        // A loop rather than a query: every turn looks its element up.
        for (var i = 0; i < Elements.Count; i++)
        {
            if (Elements[i].Id == id) return Elements[i];
        }

        return null;
    }
}

/// <summary>One stimulus or topic the interview should explore.</summary>
internal sealed record GuideElement
{
    public required string Id { get; init; }
    public required string Name { get; init; }

    /// <summary>1 is asked first; ties keep file order.</summary>
    public int Priority { get; init; } = 1;
    public required IReadOnlyList<string> Questions { get; init; }
    public IReadOnlyList<string> Probes { get; init; } = ["Why does that matter to you?"];

    /// <summary>Words that show an answer is about this element (matched case-insensitively on word starts).</summary>
    public IReadOnlyList<string> Signals
    {
        get;
        init
        {
            field = value;
            _anySignal = SearchValues.Create([.. value.Where(s => !string.IsNullOrEmpty(s))], StringComparison.OrdinalIgnoreCase);
        }
    } = [];

    private static readonly SearchValues<string> NoSignals = SearchValues.Create([], StringComparison.OrdinalIgnoreCase);

    // Set with the signals, so that every answer is searched for all of them in one pass; shared while there are none,
    // rather than built for every element and replaced as its signals are read.
    private readonly SearchValues<string> _anySignal = NoSignals;

    /// <summary>Whether <paramref name="text"/> names one of <see cref="Signals"/> at the start of a word.</summary>
    public bool IsMentionedIn(ReadOnlySpan<char> text) => AnswerAnalyzer.FindWordStart(text, _anySignal) >= 0;
}
