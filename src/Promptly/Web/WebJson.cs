using System.Text.Json.Serialization;

namespace Promptly.Web;

/// <summary>An import map (<c>{"imports":{"/js/a.js":"/js/a.1x2y3z.js"}}</c>).</summary>
internal sealed record ImportMap(Dictionary<string, string> Imports);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(ImportMap))]
internal sealed partial class WebJson : JsonSerializerContext;
