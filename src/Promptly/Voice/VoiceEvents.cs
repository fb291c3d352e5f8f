using System.Text.Json.Serialization;
using Promptly.Budget;

namespace Promptly.Voice;

// The server's JSON events on a voice socket; every one names its type first. README lists them.

internal sealed record ReadyEvent(string SessionId, int QuestionNumber, int SampleRate, string Vad, bool Transcribes, bool Speaks)
{
    [JsonPropertyOrder(-1)]
    public string Type => "ready";
}

/// <summary>The interviewer's words: the standing question when the socket opens, then every reply.</summary>
internal sealed record QuestionEvent(string Text, int QuestionNumber, string? Kind, bool Done)
{
    [JsonPropertyOrder(-1)]
    public string Type => "question";
}

/// <summary><c>speech_started</c>, <c>speech_ended</c>, <c>audio_end</c>, <c>interrupted</c>, <c>completed</c>: a moment on the session's audio.</summary>
internal sealed record MarkEvent(string Type, double AtMs);

internal sealed record TranscriptEvent(string Text, bool Transcribed, double AudioMs)
{
    [JsonPropertyOrder(-1)]
    public string Type => "transcript";
    public bool Final => true;
}

internal sealed record TurnEndedEvent(string Reason, double AtMs)
{
    [JsonPropertyOrder(-1)]
    public string Type => "turn_ended";
}

internal sealed record LatencyEvent(LatencyView Latency)
{
    [JsonPropertyOrder(-1)]
    public string Type => "latency";
}

internal sealed record AudioStartEvent(int SampleRate)
{
    [JsonPropertyOrder(-1)]
    public string Type => "audio_start";
}

internal sealed record ErrorEvent(int Status, string Title, string Detail)
{
    [JsonPropertyOrder(-1)]
    public string Type => "error";
}

/// <summary>A client's JSON message; <c>type</c> says which.</summary>
internal sealed record ClientMessage(string? Type, int? SampleRate, string? Text);
