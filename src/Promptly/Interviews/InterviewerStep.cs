namespace Promptly.Interviews;

/// <summary>What the interviewer does next, decided by <see cref="InterviewScript"/>.</summary>
/// <param name="Kind">One of <see cref="StepKinds"/>.</param>
/// <param name="ElementId">The guide element asked or probed; null for the closing.</param>
/// <param name="Text">The scripted wording: said as is by the built-in interviewer, rephrased by a model.</param>
/// <param name="Done">The interview ends with this step.</param>
internal sealed record InterviewerStep(string Kind, string? ElementId, string Text, bool Done);

internal static class StepKinds
{
    public const string Greeting = "greeting";
    public const string Question = "question";
    public const string Probe = "probe";
    public const string Closing = "closing";
}
