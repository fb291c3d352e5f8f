using System.Collections.Concurrent;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Net.Http.Headers;

namespace Promptly.Web;

/// <summary>
/// Renders a page once, on its first request: every <c>~/path</c> in the template becomes the file's content-hashed
/// address, and an import map sends the modules' own imports to theirs too, so everything but the HTML is cached for
/// good. The import map is the page's only inline script; the policy allows it by its hash, not by
/// <c>'unsafe-inline'</c>, and allows nothing from other origins.
/// </summary>
internal sealed class PageRenderer(AssetUrls assets)
{
    private const string ImportMapSlot = "<!-- import map -->";

    private readonly ConcurrentDictionary<Page, RenderedPage> _rendered = new();

    public Task Write(Page page, HttpContext context)
    {
        var rendered = _rendered.GetOrAdd(page, Render);
        var response = context.Response;
        response.ContentType = "text/html; charset=utf-8";
        var headers = response.Headers;
        headers.ContentSecurityPolicy = rendered.ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        // An invitation's page has its token in the address: no other site may learn it from a referrer.
        headers["Referrer-Policy"] = "no-referrer";
        headers["Permissions-Policy"] = "microphone=(self), camera=(), geolocation=()";
        headers["Cross-Origin-Opener-Policy"] = "same-origin";
        // The HTML names the hashed files of this build, so it is asked for again each time (a few KB).
        headers.CacheControl = "no-cache";
        headers.Vary = HeaderNames.AcceptEncoding;

        var accepts = context.Request.Headers.AcceptEncoding.ToString();
        var (body, encoding) = accepts.Contains("br", StringComparison.Ordinal) ? (rendered.Brotli, "br")
            : accepts.Contains("gzip", StringComparison.Ordinal) ? (rendered.Gzip, "gzip")
            : (rendered.Html, null);
        if (encoding is not null) headers.ContentEncoding = encoding;
        response.ContentLength = body.Length;
        return HttpMethods.IsHead(context.Request.Method) ? Task.CompletedTask : response.Body.WriteAsync(body).AsTask();
    }

    private RenderedPage Render(Page page)
    {
        var template = Template(page);
        var imports = JsonSerializer.Serialize(new ImportMap(assets.Modules.ToDictionary()), WebJson.Default.ImportMap);
        var html = ResolveAssets(template).Replace(ImportMapSlot, $"<script type=\"importmap\">{imports}</script>{Preloads(page)}", StringComparison.Ordinal);
        var scriptHash = Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(imports)));
        var policy = string.Join("; ",
            "default-src 'none'",
            $"script-src 'self' 'sha256-{scriptHash}'",
            "style-src 'self'",
            "img-src 'self' data: blob:",
            "font-src 'self'",
            "connect-src 'self'",
            "media-src 'self' blob:",
            "worker-src 'self'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'");
        var bytes = Encoding.UTF8.GetBytes(html);
        return new RenderedPage(bytes, Compress(bytes, s => new GZipStream(s, CompressionLevel.SmallestSize)),
            Compress(bytes, s => new BrotliStream(s, CompressionLevel.SmallestSize)), policy);
    }

    /// <summary>
    /// A preload of each of the page's own modules (<c>js/{page}/</c>, not its audio worklets, which load elsewhere),
    /// so the browser fetches them all at once instead of finding each level of imports after the one above it.
    /// </summary>
    private string Preloads(Page page)
    {
        var folder = $"/js/{page.ToString().ToLowerInvariant()}/";
        return string.Concat(assets.Modules
            .Where(m => m.Key.StartsWith(folder, StringComparison.Ordinal) && !m.Key.EndsWith("-worklet.js", StringComparison.Ordinal))
            .Select(m => $"\n  <link rel=\"modulepreload\" href=\"{m.Value}\">"));
    }

    /// <summary>Every <c>"~/path"</c> in an attribute becomes the file's hashed address.</summary>
    private string ResolveAssets(string template)
    {
        var html = new StringBuilder(template.Length);
        var at = 0;
        for (var start = template.IndexOf("\"~/", StringComparison.Ordinal); start >= 0; start = template.IndexOf("\"~/", at, StringComparison.Ordinal))
        {
            var end = template.IndexOf('"', start + 1);
            html.Append(template, at, start - at).Append('"').Append(assets[template[(start + 3)..end]]).Append('"');
            at = end + 1;
        }

        return html.Append(template, at, template.Length - at).ToString();
    }

    private static string Template(Page page)
    {
        using var stream = typeof(PageRenderer).Assembly.GetManifestResourceStream($"Promptly.Web.Pages.{page.ToString().ToLowerInvariant()}.html")
            ?? throw new InvalidOperationException($"The page template of {page} is not embedded.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }

    private static byte[] Compress(byte[] bytes, Func<Stream, Stream> compressor)
    {
        using var output = new MemoryStream();
        using (var compressing = compressor(output)) compressing.Write(bytes);
        return output.ToArray();
    }
}
