namespace Promptly.Budget;

/// <summary>Phase names used by the interview path; any other name is allowed too.</summary>
public static class LatencyPhases
{
    public const string Load = "load";

    /// <summary>The interviewer call; its time is the record's <c>ai_processing_time_ms</c>.</summary>
    public const string Ai = "ai";
    public const string Extract = "extract";
    public const string Persist = "persist";
}
