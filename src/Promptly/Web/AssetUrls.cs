using Microsoft.AspNetCore.StaticAssets;

namespace Promptly.Web;

/// <summary>
/// Each static file's content-hashed address (<c>js/interview.js</c> → <c>/js/interview.k3j2h1g0f9.js</c>), read from
/// the static assets' endpoints once the routes are built.
/// </summary>
internal sealed class AssetUrls(EndpointDataSource endpoints)
{
    private readonly Lazy<IReadOnlyDictionary<string, string>> _byPath = new(() => Read(endpoints));

    /// <summary>The content-hashed address of <paramref name="path"/> (relative to wwwroot, no leading slash).</summary>
    /// <exception cref="InvalidOperationException">No such file: a page names a file that is not in wwwroot.</exception>
    public string this[string path] => _byPath.Value.TryGetValue(path, out var url)
        ? url
        : throw new InvalidOperationException($"No static file '{path}' (is it in src/Promptly/wwwroot?).");

    /// <summary>
    /// Every script a page may import (its own modules under <c>js/</c>, the libraries under <c>lib/</c>): the plain
    /// address mapped to the hashed one, as an import map needs.
    /// </summary>
    public IEnumerable<KeyValuePair<string, string>> Modules =>
        _byPath.Value.Where(p => (p.Key.StartsWith("js/", StringComparison.Ordinal) || p.Key.StartsWith("lib/", StringComparison.Ordinal))
            && p.Key.EndsWith(".js", StringComparison.Ordinal)).Select(p => KeyValuePair.Create("/" + p.Key, p.Value));

    /// <summary>The file (its path in wwwroot) that <paramref name="asset"/> serves at a content-hashed route, or null for a plain route.</summary>
    public static string? HashedFile(StaticAssetDescriptor asset) =>
        asset.Properties.Any(p => p.Name == "fingerprint") && asset.Properties.FirstOrDefault(p => p.Name == "label")?.Value is { } label && label != asset.Route
            ? label
            : null;

    private static Dictionary<string, string> Read(EndpointDataSource endpoints)
    {
        var urls = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var endpoint in endpoints.Endpoints)
        {
            if (endpoint.Metadata.GetMetadata<StaticAssetDescriptor>() is not { } asset || HashedFile(asset) is not { } label) continue;
            // Not the .gz/.br twin's own route: the file's hashed route serves it by content negotiation.
            if (label.EndsWith(".gz", StringComparison.Ordinal) || label.EndsWith(".br", StringComparison.Ordinal)) continue;
            urls[label] = "/" + asset.Route;
        }

        return urls;
    }
}
