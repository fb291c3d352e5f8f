namespace Promptly.Load.Voice;

/// <summary>What the interviewer said back to one answer (or the greeting, <see cref="Turn"/> 0) of <see cref="VoiceTalk"/>.</summary>
/// <param name="Turn">0 for the greeting, then 1 for the reply to the first answer, and so on.</param>
/// <param name="Heard">The server's transcript of the answer; null for the greeting or when none came.</param>
/// <param name="Question">The interviewer's words; null when the turn failed before any (see <paramref name="Errors"/>).</param>
/// <param name="Latency">The server's record of the response; null for the greeting.</param>
/// <param name="Audio">The interviewer's speech at the socket's rate; empty when the server does not speak.</param>
/// <param name="Errors">The turn's <c>error</c> events, as "502 Interviewer failed: detail".</param>
/// <param name="EndedBy">How the turn ended (<c>turn_ended</c>'s reason); null for the greeting.</param>
internal sealed record TalkReply(
    int Turn, int QuestionNumber, string? Heard, string? Question, bool Done, VoiceLatency? Latency, short[] Audio, IReadOnlyList<string> Errors, string? EndedBy);
