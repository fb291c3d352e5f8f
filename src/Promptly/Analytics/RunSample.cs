using Promptly.Latency;

namespace Promptly.Analytics;

/// <summary>
/// One timed run as the analytics count it: an interviewer response (source <see cref="RunSample.InterviewSource"/>
/// for text, <see cref="RunSample.VoiceSource"/> for voice) or a run of any other pipeline sent to the ingest API.
/// </summary>
/// <param name="InterviewType">The interview type, or empty for runs that have none.</param>
/// <param name="WithinBudget">Not failed and not over the threshold that was in force for it.</param>
internal sealed record RunSample(
    string Source,
    string InterviewType,
    DateTimeOffset Timestamp,
    double TotalMs,
    IReadOnlyList<PhaseTiming> Phases,
    bool WithinBudget,
    bool Failed)
{
    /// <summary>The source name of the server's own text responses.</summary>
    public const string InterviewSource = "interview";

    /// <summary>
    /// The source name of the server's own voice responses. They are timed voice to voice, with phases text has not
    /// (<c>eot_wait</c>, <c>stt</c>, <c>tts_first_audio</c>), so a source of their own keeps their figures and digests
    /// apart from text's without a channel in the digest key.
    /// </summary>
    public const string VoiceSource = "voice";

    /// <summary>The sources of the interviewer's responses, one per channel: the budget covers them all.</summary>
    public static readonly IReadOnlyList<string> ResponseSources = [InterviewSource, VoiceSource];

    /// <summary>Whether <paramref name="source"/> names the interviewer's own responses (reserved: ingest refuses it).</summary>
    public static bool IsResponseSource(string source) => source is InterviewSource or VoiceSource;

    /// <summary>The source of a response exchanged over <paramref name="channel"/> (<see cref="LatencyChannels"/>).</summary>
    public static string SourceOf(string channel) => channel == LatencyChannels.Voice ? VoiceSource : InterviewSource;

    /// <summary>The channel of a response source; null for any other source.</summary>
    public static string? ChannelOf(string source) => source switch
    {
        InterviewSource => LatencyChannels.Text,
        VoiceSource => LatencyChannels.Voice,
        _ => null,
    };
}

/// <summary>The time buckets digests are kept in: hours for fine windows and hourly trends, days for long ranges.</summary>
internal enum BucketSize
{
    Hour = 3600,
    Day = 86400,
}

internal static class BucketSizes
{
    public static long Milliseconds(this BucketSize size) => (long)size * 1000;

    public static DateTimeOffset Floor(this BucketSize size, DateTimeOffset time)
    {
        var ms = time.ToUnixTimeMilliseconds();
        return DateTimeOffset.FromUnixTimeMilliseconds(ms - Mod(ms, size.Milliseconds()));
    }

    public static DateTimeOffset Ceiling(this BucketSize size, DateTimeOffset time)
    {
        var floor = size.Floor(time);
        return floor == time ? floor : floor.AddMilliseconds(size.Milliseconds());
    }

    private static long Mod(long value, long divisor) => ((value % divisor) + divisor) % divisor;
}

/// <summary>Which digest: one bucket of one source, interview type and phase (<see cref="Total"/> for whole runs).</summary>
internal readonly record struct DigestKey(BucketSize Size, long StartMs, string Source, string InterviewType, string Phase)
{
    /// <summary>The phase name under which whole runs are kept; ingest rejects it as a phase name.</summary>
    public const string Total = "";
}
