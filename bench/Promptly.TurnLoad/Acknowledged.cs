namespace Promptly.TurnLoad;

/// <summary>What the server acknowledged for one session: the last question number it answered with.</summary>
internal sealed record Acknowledged(string SessionId, int QuestionNumber);
