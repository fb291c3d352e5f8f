namespace Promptly.Guides;

/// <summary>Where interview guides come from. Bound from the <c>Guides</c> section.</summary>
internal sealed class GuideOptions
{
    public const string Section = "Guides";

    /// <summary>
    /// A folder of <c>*.json</c>, <c>*.yaml</c> or <c>*.yml</c> guide files loaded next to the built-in guides;
    /// a file whose id matches a built-in replaces it. Empty (the default) means built-ins only.
    /// </summary>
    public string? Folder { get; set; }
}
