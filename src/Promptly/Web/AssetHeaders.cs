using Microsoft.AspNetCore.StaticAssets;

namespace Promptly.Web;

/// <summary>Response headers of the static files, on top of those the static assets' manifest gives.</summary>
internal static class AssetHeaders
{
    private const string Forever = "public, max-age=31536000, immutable";

    /// <summary>
    /// A file asked for by its content-hashed name can be kept for good: a changed file has another name. The build's
    /// manifest (what <c>dotnet run</c> serves from) says <c>no-cache</c> even for those; a published one says this.
    /// </summary>
    public static void Apply(EndpointBuilder endpoint)
    {
        var hashed = endpoint.Metadata.OfType<StaticAssetDescriptor>().FirstOrDefault() is { } asset && AssetUrls.HashedFile(asset) is not null;
        var inner = endpoint.RequestDelegate!;
        endpoint.RequestDelegate = context =>
        {
            context.Response.OnStarting(static state =>
            {
                var (response, hashed) = ((HttpResponse, bool))state;
                response.Headers.XContentTypeOptions = "nosniff";
                if (hashed && response.StatusCode is StatusCodes.Status200OK or StatusCodes.Status304NotModified) response.Headers.CacheControl = Forever;
                return Task.CompletedTask;
            }, (context.Response, hashed));
            return inner(context);
        };
    }
}
