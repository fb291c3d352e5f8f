using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.StaticAssets;

namespace Promptly.Tests.Support;

/// <summary>The endpoints of the pages' static files, which tests over the API's routes leave out.</summary>
internal static class StaticFiles
{
    /// <summary>
    /// A file of wwwroot (by its plain or hashed name), or the fallback that a server running from its build output
    /// keeps for files added after the build.
    /// </summary>
    public static bool Serves(Endpoint endpoint) =>
        endpoint.Metadata.GetMetadata<StaticAssetDescriptor>() is not null
        || (endpoint is RouteEndpoint route && route.RoutePattern.RawText == "{**path:file}");
}
