using System.ComponentModel.DataAnnotations;

namespace Promptly.Access;

/// <summary>
/// How often a caller may ask, per window. Bound from the <c>RateLimits</c> section. Operators are limited only on
/// event ingest (per key): they run the server, and a load test with an operator key runs at full speed; candidates
/// and anonymous callers are limited per session and per address. Over a limit: 429 with <c>Retry-After</c>.
/// </summary>
internal sealed class RateLimitOptions
{
    public const string Section = "RateLimits";

    /// <summary>The window the counts below are per, in seconds. Default 60.</summary>
    [Range(1, 86_400)]
    public int WindowSeconds { get; set; } = 60;

    /// <summary>Turns (plain, streamed or typed) per candidate session per window. Default 30: a turn every 2 s, far above a person's pace.</summary>
    [Range(1, 1_000_000)]
    public int TurnsPerSession { get; set; } = 30;

    /// <summary>Sessions started (open practice, invitation starts) per client address per window. Default 10.</summary>
    [Range(1, 1_000_000)]
    public int SessionStartsPerAddress { get; set; } = 10;

    /// <summary>Requests with wrong credentials per client address per window; past it even those get 429. Default 20.</summary>
    [Range(1, 1_000_000)]
    public int FailedAuthPerAddress { get; set; } = 20;

    /// <summary>Event-ingest requests per operator key per window. Default 600 (ten batches a second).</summary>
    [Range(1, 10_000_000)]
    public int IngestPerKey { get; set; } = 600;

    /// <summary>Interviews started without a key that may be open at once per client address (a candidate's concurrent sessions). Default 3.</summary>
    [Range(1, 1_000_000)]
    public int OpenSessionsPerAddress { get; set; } = 3;

    public TimeSpan Window => TimeSpan.FromSeconds(WindowSeconds);
}
