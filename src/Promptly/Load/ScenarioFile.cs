using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using YamlDotNet.Serialization;

namespace Promptly.Load;

/// <summary>
/// A <c>--scenarios</c> file, YAML or JSON: the scenarios with their weights and, optionally, the phases.
/// <code>
/// scenarios:
///   - { name: create_interview, kind: create_interview, weight: 30 }
///   - { name: take_turn, kind: take_turn, weight: 70 }
/// phases:
///   - { name: sustained, duration: 30s, rate: 50 }
/// </code>
/// </summary>
internal sealed record ScenarioFile(IReadOnlyList<LoadScenario> Scenarios, IReadOnlyList<LoadPhase>? Phases)
{
    public const long MaxFileBytes = 1 << 20;

    public static ScenarioFile Read(string path)
    {
        string text;
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists) throw CommandException.Usage($"The scenario file {path} does not exist.");
            if (info.Length > MaxFileBytes) throw CommandException.Usage($"The scenario file {path} is over {MaxFileBytes / 1024} KiB.");
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw CommandException.Usage($"The scenario file {path} cannot be read: {e.Message}");
        }

        return Parse(text, path);
    }

    /// <summary>Parses and checks the file's text; <paramref name="source"/> names it in errors.</summary>
    public static ScenarioFile Parse(string text, string source)
    {
        ScenarioFileDocument? document;
        try
        {
            var json = text.AsSpan().TrimStart().StartsWith("{") ? text : YamlToJson(text);
            document = JsonSerializer.Deserialize(json, LoadJson.Default.ScenarioFileDocument);
        }
        catch (Exception e) when (e is JsonException or YamlDotNet.Core.YamlException or InvalidOperationException)
        {
            throw CommandException.Usage($"The scenario file {source} is not valid: {e.Message}");
        }

        if (document is null) throw CommandException.Usage($"The scenario file {source} is empty.");
        if (document.Scenarios is not { Count: > 0 }) throw CommandException.Usage($"The scenario file {source} has no scenarios.");
        var scenarios = document.Scenarios.Select((s, i) =>
        {
            var name = s.Name ?? s.Kind ?? $"#{i + 1}";
            return new LoadScenario(name, LoadScenario.ParseKind(s.Kind, name), s.Weight ?? 1);
        }).ToList();

        IReadOnlyList<LoadPhase>? phases = null;
        if (document.Phases is { } listed)
        {
            phases = LoadPhase.CheckedList([.. listed.Select((p, i) =>
            {
                var name = p.Name ?? $"phase-{i + 1}";
                return LoadPhase.Checked(name, Duration(p.Duration, name), p.Rate ?? throw CommandException.Usage($"Phase '{name}' in {source} has no rate."));
            })]);
        }

        return new ScenarioFile(LoadScenario.CheckedList(scenarios), phases);
    }

    private static TimeSpan Duration(JsonElement duration, string phase) => duration.ValueKind switch
    {
        JsonValueKind.String => LoadPhase.ParseDuration(duration.GetString()!, $"phase '{phase}'"),
        JsonValueKind.Number => LoadPhase.ParseDuration(duration.GetDouble().ToString(CultureInfo.InvariantCulture), $"phase '{phase}'"),
        _ => throw CommandException.Usage($"Phase '{phase}' needs a duration such as 30s."),
    };

    private static string YamlToJson(string yaml)
    {
        var graph = new DeserializerBuilder().WithAttemptingUnquotedStringTypeDeserialization().Build().Deserialize<object?>(yaml);
        return new SerializerBuilder().JsonCompatible().Build().Serialize(graph);
    }
}

/// <summary>The wire shape of a scenario file; unknown fields are refused so a misspelt <c>weigth</c> is not silently 1.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
internal sealed record ScenarioFileDocument(List<ScenarioEntry>? Scenarios, List<PhaseEntry>? Phases);

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
internal sealed record ScenarioEntry(string? Name, string? Kind, double? Weight);

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
internal sealed record PhaseEntry(string? Name, JsonElement Duration, double? Rate);
