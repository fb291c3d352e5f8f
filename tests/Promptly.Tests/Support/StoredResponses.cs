using Microsoft.Extensions.DependencyInjection;
using Promptly.Budget;
using Promptly.Latency;

namespace Promptly.Tests.Support;

/// <summary>
/// Interviewer responses with known phases, stored straight through a server's <see cref="ILatencyStore"/> as the
/// text and voice edges store theirs, so analytics and compliance see them without driving a session or a WebSocket.
/// </summary>
internal static class StoredResponses
{
    /// <summary>A voice response's phases in the order they run, with the base time of each in ms.</summary>
    public static readonly (string Name, double Ms)[] VoicePhases =
    [
        (LatencyPhases.EotWait, 300), (LatencyPhases.Stt, 250), (LatencyPhases.Load, 2), (LatencyPhases.Extract, 5),
        (LatencyPhases.AiFirstToken, 400), (LatencyPhases.Ai, 300), (LatencyPhases.Stream, 20), (LatencyPhases.TtsFirstAudio, 150),
        (LatencyPhases.Persist, 3),
    ];

    /// <summary>A text response's phases, with the base time of each in ms.</summary>
    public static readonly (string Name, double Ms)[] TextPhases =
        [(LatencyPhases.Load, 1), (LatencyPhases.Extract, 4), (LatencyPhases.Ai, 200), (LatencyPhases.Persist, 2)];

    /// <summary>
    /// Response <paramref name="index"/> of a series over <paramref name="channel"/>: every phase is its base time
    /// × <paramref name="factor"/> × (1 + index/100), so a series of up to 20 keeps each phase within 20% of its first.
    /// </summary>
    public static LatencyRecord Record(string channel, int index, DateTimeOffset at, string interviewType = "PRACTICE", double thresholdMs = 2000, double factor = 1)
    {
        var scale = factor * (1 + index / 100.0);
        var phases = (channel == LatencyChannels.Voice ? VoicePhases : TextPhases).Select(p => new PhaseTiming(p.Name, p.Ms * scale)).ToArray();
        return new LatencyRecord
        {
            SessionId = $"{channel}-session-{index % 3}",
            InterviewType = interviewType,
            ConceptId = "oat_milk_v1",
            QuestionNumber = index,
            Channel = channel,
            ResponseTimeMs = phases.Sum(p => p.Ms),
            AiProcessingTimeMs = phases.Where(p => p.Name is LatencyPhases.Ai or LatencyPhases.AiFirstToken).Sum(p => p.Ms),
            Phases = phases,
            ThresholdMs = thresholdMs,
            SevereMs = 5000,
            Timestamp = at,
        };
    }

    /// <summary><paramref name="count"/> responses over <paramref name="channel"/>, a second apart from <paramref name="start"/>.</summary>
    public static IEnumerable<LatencyRecord> Series(
        string channel, int count, DateTimeOffset start, string interviewType = "PRACTICE", double thresholdMs = 2000, double factor = 1) =>
        Enumerable.Range(0, count).Select(i => Record(channel, i, start.AddSeconds(i), interviewType, thresholdMs, factor));

    /// <summary>Stores <paramref name="records"/> as the budget stores a response: durably, one after another.</summary>
    public static async Task SaveAsync(this IServiceProvider services, IEnumerable<LatencyRecord> records)
    {
        var store = services.GetRequiredService<ILatencyStore>();
        foreach (var record in records) await store.SaveLatencyAsync(() => BudgetedLatency.Of(record), CancellationToken.None);
    }
}
