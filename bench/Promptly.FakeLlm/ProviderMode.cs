using System.Text.Json.Serialization;

namespace Promptly.FakeLlm;

/// <summary>
/// How the fake provider answers from now on; replaced as a whole by <c>POST /admin/mode</c> (fields left out keep
/// their value). Delays are in ms; ratios are the share of calls, drawn at random per call.
/// </summary>
public sealed record ProviderMode
{
    /// <summary>Wait from the request's arrival to the first token.</summary>
    [JsonPropertyName("first_token_ms")] public double FirstTokenMs { get; init; } = 300;

    /// <summary>Wait between tokens after the first.</summary>
    [JsonPropertyName("token_ms")] public double TokenMs { get; init; } = 15;

    /// <summary>Tokens (words) in a reply.</summary>
    [JsonPropertyName("tokens")] public int Tokens { get; init; } = 20;

    /// <summary>Share of calls answered with HTTP 500 after the first-token wait.</summary>
    [JsonPropertyName("fail_ratio")] public double FailRatio { get; init; }

    /// <summary>Share of calls that stop for <see cref="StallMs"/> after their first token.</summary>
    [JsonPropertyName("stall_ratio")] public double StallRatio { get; init; }

    /// <summary>How long a stalled call stops mid-stream.</summary>
    [JsonPropertyName("stall_ms")] public double StallMs { get; init; } = 10_000;

    /// <summary>The mode with the fields <paramref name="change"/> gives replaced.</summary>
    public ProviderMode With(ModeChange change) => this with
    {
        FirstTokenMs = change.FirstTokenMs ?? FirstTokenMs,
        TokenMs = change.TokenMs ?? TokenMs,
        Tokens = change.Tokens ?? Tokens,
        FailRatio = change.FailRatio ?? FailRatio,
        StallRatio = change.StallRatio ?? StallRatio,
        StallMs = change.StallMs ?? StallMs,
    };

    /// <summary>Null when the mode can be served; otherwise why not.</summary>
    public string? Problem() =>
        FirstTokenMs is < 0 or > 600_000 || TokenMs is < 0 or > 60_000 || StallMs is < 0 or > 600_000 ? "delays must be 0 to 600000 ms (token_ms to 60000)"
        : Tokens is < 1 or > 4096 ? "tokens must be 1 to 4096"
        : FailRatio is < 0 or > 1 || StallRatio is < 0 or > 1 ? "ratios must be 0 to 1"
        : null;
}

/// <summary>The body of <c>POST /admin/mode</c>: only the fields to change.</summary>
public sealed record ModeChange(
    [property: JsonPropertyName("first_token_ms")] double? FirstTokenMs,
    [property: JsonPropertyName("token_ms")] double? TokenMs,
    [property: JsonPropertyName("tokens")] int? Tokens,
    [property: JsonPropertyName("fail_ratio")] double? FailRatio,
    [property: JsonPropertyName("stall_ratio")] double? StallRatio,
    [property: JsonPropertyName("stall_ms")] double? StallMs);

/// <summary>
/// One call as the provider saw it: from the request's arrival in the handler to its first token and to the last byte
/// flushed (<c>total_ms</c>, the provider's time). <c>outcome</c> is <c>ok</c>, <c>failed</c> (the 500),
/// <c>stalled</c> (finished after a stall) or <c>aborted</c> (the client went away first).
/// </summary>
public sealed record ProviderCall(
    [property: JsonPropertyName("n")] int Number,
    [property: JsonPropertyName("started")] DateTimeOffset Started,
    [property: JsonPropertyName("first_token_ms")] double? FirstTokenMs,
    [property: JsonPropertyName("total_ms")] double TotalMs,
    [property: JsonPropertyName("outcome")] string Outcome,
    [property: JsonPropertyName("configured_first_token_ms")] double ConfiguredFirstTokenMs);

[JsonSourceGenerationOptions(WriteIndented = false)]
[JsonSerializable(typeof(ProviderMode))]
[JsonSerializable(typeof(ModeChange))]
[JsonSerializable(typeof(ProviderCall[]))]
internal sealed partial class FakeLlmJson : JsonSerializerContext;
