using Promptly.Load;
using Promptly.Load.Voice;

namespace Promptly.Cli;

/// <summary>What <c>promptly talk</c> prints: a line per turn, and the summary.</summary>
internal static class TalkLines
{
    private const int MaxQuoted = 120;

    /// <summary>
    /// "Q2  heard "…"  →  "…"  1,234 ms (eot_wait 812 · turn_queue 0.02 · stt 0.10 · …)"; the greeting has no heard part nor time; each
    /// error event of the turn follows on its own line.
    /// </summary>
    public static IEnumerable<string> Turn(TalkReply reply)
    {
        var said = reply.Question is { } q ? Quote(q) : "(no reply)";
        if (reply.Turn == 0)
        {
            yield return $"Q{reply.QuestionNumber}  interviewer: {said}";
        }
        else
        {
            var heard = reply.Heard is { } h ? Quote(h) : "(no transcript)";
            var time = reply.Latency is { } l ? $"  {LoadFigures.Ms(l.ResponseTimeMs)} ms{Phases(l)}{(l.Failed ? $" FAILED: {l.Error}" : "")}" : "";
            yield return $"Q{reply.QuestionNumber}  heard {heard}  →  {said}{time}";
        }

        foreach (var error in reply.Errors) yield return $"    error {error}";
    }

    /// <summary>"3 turns; response time median 1,234 ms, max 2,345 ms" over the replies with a latency record.</summary>
    public static string Summary(IReadOnlyList<TalkReply> replies)
    {
        var times = replies.Where(r => r.Latency is not null).Select(r => r.Latency!.ResponseTimeMs).Order().ToArray();
        if (times.Length == 0) return "No turns answered.";
        var median = Promptly.Latency.Percentiles.OfSorted(times, 50)!.Value;
        return $"{Counts.Format(times.Length)} turn(s); voice-to-voice response time median {LoadFigures.Ms(median)} ms, max {LoadFigures.Ms(times[^1])} ms.";
    }

    private static string Phases(VoiceLatency latency) => latency.Phases is { Count: > 0 } phases
        ? " (" + string.Join(" · ", phases.Select(p => $"{p.Key} {LoadFigures.Ms(p.Value)}")) + ")"
        : "";

    private static string Quote(string text) => "\"" + (text.Length <= MaxQuoted ? text : text[..(MaxQuoted - 1)] + "…") + "\"";
}
