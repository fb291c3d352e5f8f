using Promptly.Load;
using Promptly.Load.Voice;

namespace Promptly.Cli;

/// <summary>The text report of <c>promptly voice-load</c>: plain lines, so that a benchmark log can be read and grepped.</summary>
internal static class VoiceLoadReport
{
    private const double Mb = 1024 * 1024;

    public static IEnumerable<string> Lines(VoiceLoadResult result)
    {
        var (s, f) = (result.Settings, result.Figures);
        yield return $"voice load: {s.Streams} streams, {result.Window.TotalSeconds:0.0} s measured after a {s.RampUp.TotalSeconds:0} s ramp-up; " +
            $"{s.Answers.Count} answer(s), server silence {s.SilenceMs} ms, pause {s.PauseMs} ms";
        yield return $"turns           {Counts.Format(f.Turns)} ({Kinds(f.TurnEnds)}); {Rate(f.Turns, result)}/s over the whole run";
        yield return $"interviews      {Counts.Format(f.Sessions)} started, {Counts.Format(f.Completed)} completed; interrupted replies {Counts.Format(f.Interrupted)}";
        yield return $"errors          {LoadFigures.Errors(f.Errors.Values.Sum(), f.Errors)}";
        yield return $"server records  {Spread(f.ResponseTime)}{(f.FailedRecords > 0 ? $"  failed {Counts.Format(f.FailedRecords)}" : "")}";
        foreach (var (name, spread) in f.Phases) yield return $"  {name,-16}{Spread(spread)}";
        yield return $"  eot beyond silence {Spread(f.EotBeyondSilence)}";
        yield return $"client view     {Spread(f.Client)}  (last answer frame sent → first reply audio, or its question without TTS)";
        yield return $"client cost     {result.ClientCores:0.00} cores, RSS {result.ClientRssBytes / Mb:0} MB, most audio due and unsent {f.MaxClientLagMs} ms";
        if (result.ServerCores is { } cores) yield return $"server cost     {cores:0.00} cores, max RSS {(result.ServerMaxRssBytes ?? 0) / Mb:0} MB";
    }

    private static string Spread(Spread s) => s.Count == 0
        ? "n 0"
        : $"n {Counts.Format(s.Count),-6} p50 {LoadFigures.Ms(s.P50),8}  p99 {LoadFigures.Ms(s.P99),8}  max {LoadFigures.Ms(s.Max),8} ms";

    private static string Kinds(IReadOnlyDictionary<string, long> kinds) =>
        kinds.Count == 0 ? "none ended" : string.Join(", ", kinds.OrderByDescending(k => k.Value).Select(k => $"{k.Key} {Counts.Format(k.Value)}"));

    private static string Rate(long turns, VoiceLoadResult result) =>
        LoadFigures.Rate(turns / (result.Window + result.Settings.RampUp).TotalSeconds);
}
