namespace Promptly.Load;

/// <summary>The base address of a Promptly server named on the command line.</summary>
internal static class ServerUrl
{
    /// <summary>
    /// The http(s) URL as a base address, or null when it is not one. The base ends in '/', so a path prefix
    /// (http://host/promptly/) is kept when the API paths are appended.
    /// </summary>
    public static Uri? Parse(string? url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var server) || server.Scheme is not ("http" or "https")) return null;
        return server.AbsolutePath.EndsWith('/') ? server : new Uri(server + "/");
    }
}
