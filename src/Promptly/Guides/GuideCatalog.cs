using System.Collections.Frozen;
using System.Text.Json;
using System.Text.Json.Serialization;
using YamlDotNet.Serialization;

namespace Promptly.Guides;

/// <summary>
/// The interview guides this server knows: the built-in ones shipped inside the assembly plus those in
/// <see cref="GuideOptions.Folder"/>. Loaded once at start; a broken file stops the start with a message naming it.
/// </summary>
internal sealed class GuideCatalog
{
    private static readonly JsonSerializerOptions FileJson = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        // Quoted YAML numbers arrive as strings; reading them anyway is friendlier than failing the guide.
        NumberHandling = JsonNumberHandling.AllowReadingFromString,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    private readonly FrozenDictionary<string, InterviewGuide> _byId;

    public GuideCatalog(IEnumerable<InterviewGuide> guides)
    {
        _byId = guides.ToFrozenDictionary(g => g.Id, StringComparer.Ordinal);
        All = [.. _byId.Values.OrderBy(g => g.Id, StringComparer.Ordinal)];
    }

    public IReadOnlyList<InterviewGuide> All { get; }

    public IEnumerable<string> Ids => All.Select(g => g.Id);

    public InterviewGuide? Find(string id) => _byId.GetValueOrDefault(id);

    /// <exception cref="UnknownConceptException">No guide has this id.</exception>
    public InterviewGuide Get(string id) => Find(id) ?? throw new UnknownConceptException(id, [.. Ids]);

    public static GuideCatalog Load(GuideOptions options, ILogger? logger = null)
    {
        var guides = new Dictionary<string, InterviewGuide>(StringComparer.Ordinal);
        var assembly = typeof(GuideCatalog).Assembly;
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith("Promptly.Guides.BuiltIn.", StringComparison.Ordinal)))
        {
            using var reader = new StreamReader(assembly.GetManifestResourceStream(name)!);
            Add(guides, Parse(reader.ReadToEnd(), name, logger));
        }

        if (!string.IsNullOrWhiteSpace(options.Folder))
        {
            if (!Directory.Exists(options.Folder))
            {
                throw new InvalidOperationException($"Guides:Folder '{options.Folder}' does not exist.");
            }

            foreach (var path in Directory.EnumerateFiles(options.Folder).Where(IsGuideFile).Order(StringComparer.Ordinal))
            {
                Add(guides, Parse(File.ReadAllText(path), path, logger));
                logger?.LogInformation("Loaded interview guide from {Path}", path);
            }
        }

        return new GuideCatalog(guides.Values);
    }

    /// <summary>Parses one guide from JSON or YAML text and checks it; <paramref name="source"/> names it in errors.</summary>
    public static InterviewGuide Parse(string text, string source, ILogger? logger = null)
    {
        InterviewGuide? guide;
        try
        {
            var json = LooksLikeJson(text) ? text : YamlToJson(text);
            guide = JsonSerializer.Deserialize<InterviewGuide>(json, FileJson);
        }
        catch (Exception e) when (e is JsonException or YamlDotNet.Core.YamlException)
        {
            throw new InvalidDataException($"Interview guide {source} is not valid: {e.Message}", e);
        }

        if (guide is null)
        {
            throw new InvalidDataException($"Interview guide {source} is empty.");
        }

        return Check(guide, source, logger);
    }

    private static InterviewGuide Check(InterviewGuide guide, string source, ILogger? logger)
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(guide.Id)) problems.Add("id is empty");
        if (guide.Elements.Count == 0) problems.Add("it has no elements");
        if (guide.TargetCoverage is <= 0 or > 1) problems.Add("target_coverage must be in (0, 1]");
        if (guide.MaxTurns < 1) problems.Add("max_turns must be at least 1");
        if (guide.MaxProbesPerElement < 0) problems.Add("max_probes_per_element must not be negative");
        foreach (var element in guide.Elements)
        {
            if (element.Questions.Count == 0) problems.Add($"element '{element.Id}' has no questions");
            if (element.Probes.Count == 0 && guide.MaxProbesPerElement > 0) problems.Add($"element '{element.Id}' has no probes");
        }

        var duplicate = guide.Elements.GroupBy(e => e.Id).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) problems.Add($"element id '{duplicate.Key}' is used twice");
        if (problems.Count > 0)
        {
            throw new InvalidDataException($"Interview guide {source} is not valid: {string.Join("; ", problems)}.");
        }

        if (guide.MaxTurns > InterviewGuide.MaxTurnsCeiling)
        {
            logger?.LogWarning("Guide {Id} asks for {MaxTurns} turns; capped at {Ceiling}", guide.Id, guide.MaxTurns, InterviewGuide.MaxTurnsCeiling);
            guide = guide with { MaxTurns = InterviewGuide.MaxTurnsCeiling };
        }

        return guide;
    }

    private static void Add(Dictionary<string, InterviewGuide> guides, InterviewGuide guide) => guides[guide.Id] = guide;

    private static bool IsGuideFile(string path) =>
        Path.GetExtension(path).ToLowerInvariant() is ".json" or ".yaml" or ".yml";

    private static bool LooksLikeJson(string text) => text.AsSpan().TrimStart().StartsWith("{");

    private static string YamlToJson(string yaml)
    {
        var graph = new DeserializerBuilder().WithAttemptingUnquotedStringTypeDeserialization().Build().Deserialize<object?>(yaml);
        var writer = new SerializerBuilder().JsonCompatible().Build();
        return writer.Serialize(graph);
    }
}
