using System.ComponentModel.DataAnnotations;

namespace Promptly.Interviews;

/// <summary>Limits of the interview API. Bound from the <c>Interviews</c> section.</summary>
public sealed class InterviewOptions
{
    public const string Section = "Interviews";

    /// <summary>Longest accepted <c>user_input</c>, in characters. Default 4000 (about 700 words).</summary>
    [Range(1, 100_000)]
    public int MaxInputChars { get; set; } = 4000;

    /// <summary>Longest accepted candidate name, in characters. Default 200.</summary>
    [Range(1, 10_000)]
    public int MaxCandidateChars { get; set; } = 200;

    /// <summary>
    /// Sessions kept in memory between turns. Past this the least recently used are dropped and read back from the
    /// database on their next turn, so memory stays bounded however many interviews run. Default 10,000.
    /// </summary>
    [Range(10, 10_000_000)]
    public int SessionCacheSize { get; set; } = 10_000;
}

/// <summary>Which model conducts interviews. Bound from the <c>Interviewer</c> section.</summary>
public sealed class InterviewerOptions
{
    public const string Section = "Interviewer";

    /// <summary><c>scripted</c> (default, built in, no network) or <c>openai</c> (any OpenAI-compatible chat endpoint).</summary>
    [RegularExpression("^(?i)(scripted|openai)$")]
    public string Provider { get; set; } = "scripted";

    /// <summary>Base URL of the OpenAI-compatible API, e.g. <c>http://127.0.0.1:11434/v1</c>; empty means api.openai.com.</summary>
    public string? Endpoint { get; set; }

    public string Model { get; set; } = "gpt-4o-mini";

    public string? ApiKey { get; set; }

    /// <summary>How many past transcript messages a model sees, so prompt size does not grow with the interview. Default 8.</summary>
    [Range(0, 100)]
    public int HistoryWindow { get; set; } = 8;

    public bool IsScripted => string.Equals(Provider, "scripted", StringComparison.OrdinalIgnoreCase);
}
