using System.Text.Json.Serialization;

namespace Promptly.Load;

/// <summary>Source-generated JSON for the scenario file and the <c>--output</c> results, snake_case like the API.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    WriteIndented = true,
    UseStringEnumConverter = true,
    NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    ReadCommentHandling = System.Text.Json.JsonCommentHandling.Skip,
    AllowTrailingCommas = true)]
[JsonSerializable(typeof(ScenarioFileDocument))]
[JsonSerializable(typeof(LoadResult))]
internal sealed partial class LoadJson : JsonSerializerContext;
