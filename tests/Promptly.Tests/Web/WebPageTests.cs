using System.Net;
using System.Text.RegularExpressions;
using Promptly.Tests.Support;

namespace Promptly.Tests.Web;

/// <summary>The pages as HTTP answers: what they name, how they are cached and compressed, and the policy they carry.</summary>
public sealed partial class WebPageTests : ApiTestBase
{
    [Theory]
    [InlineData("/")]
    [InlineData("/i/some-invitation-token")]
    [InlineData("/dashboard")]
    public async Task Page_IsOpenToAnyone_WithAStrictPolicy(string path)
    {
        using var anonymous = Factory.CreateClient();
        using var response = await anonymous.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var policy = string.Join(";", response.Headers.GetValues("Content-Security-Policy"));
        Assert.DoesNotContain("unsafe-inline", policy);
        Assert.DoesNotContain("unsafe-eval", policy);
        Assert.DoesNotContain("http", policy);
        Assert.Contains("default-src 'none'", policy);
        Assert.Contains("frame-ancestors 'none'", policy);
        Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
    }

    [Fact]
    public async Task Page_NamesItsFilesByContentHash_AndThoseAreKeptForGood()
    {
        using var anonymous = Factory.CreateClient();
        var html = await anonymous.GetStringAsync("/dashboard");
        var files = AssetReference().Matches(html).Select(m => m.Groups[1].Value).ToList();

        Assert.Contains(files, f => f.StartsWith("/js/dashboard.", StringComparison.Ordinal));
        // The chart library is imported after sign-in, through the import map.
        Assert.Matches("\"/lib/echarts.js\":\"/lib/echarts\\.[a-z0-9]{10}\\.js\"", html);
        foreach (var file in files)
        {
            Assert.Matches(@"\.[a-z0-9]{10}\.(js|css|svg)$", file);
            using var asset = await anonymous.GetAsync(file);
            Assert.Equal(HttpStatusCode.OK, asset.StatusCode);
            Assert.Contains("immutable", asset.Headers.CacheControl?.ToString());
            Assert.NotNull(asset.Headers.ETag);
        }
    }

    [Theory]
    [InlineData("br", "/dashboard")]
    [InlineData("gzip", "/dashboard")]
    [InlineData("gzip", "/lib/")]
    public async Task PageAndFiles_AreSentCompressed(string encoding, string path)
    {
        using var anonymous = Factory.CreateClient();
        var html = await anonymous.GetStringAsync("/dashboard");
        // The chart library by its hashed name: compressed at build time (gzip; a published server has Brotli too).
        if (path == "/lib/") path = ChartLibrary().Match(html).Value;

        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.AcceptEncoding.ParseAdd(encoding);
        using var response = await anonymous.SendAsync(request);
        Assert.Equal(encoding, response.Content.Headers.ContentEncoding.Single());
        var bytes = await response.Content.ReadAsByteArrayAsync();
        using var decoded = encoding == "br"
            ? (Stream)new System.IO.Compression.BrotliStream(new MemoryStream(bytes), System.IO.Compression.CompressionMode.Decompress)
            : new System.IO.Compression.GZipStream(new MemoryStream(bytes), System.IO.Compression.CompressionMode.Decompress);
        var text = await new StreamReader(decoded).ReadToEndAsync();
        Assert.True(text.Length > bytes.Length, "the answer decodes to more than was sent");
    }

    [Fact]
    public async Task ModulesImports_GoToHashedFiles_ThroughAnImportMapAllowedByItsHash()
    {
        using var anonymous = Factory.CreateClient();
        using var response = await anonymous.GetAsync("/");
        var html = await response.Content.ReadAsStringAsync();
        var map = ImportMap().Match(html);
        Assert.True(map.Success, "the page has an import map");
        var hash = Convert.ToBase64String(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(map.Groups[1].Value)));

        Assert.Contains($"'sha256-{hash}'", string.Join(";", response.Headers.GetValues("Content-Security-Policy")));
        Assert.Contains("\"/js/interview.js\":\"/js/interview.", map.Groups[1].Value);
    }

    [Fact]
    public async Task UnknownFile_IsAProblem()
    {
        using var anonymous = Factory.CreateClient();
        using var response = await anonymous.GetAsync("/js/nope.js");

        // As any path that is no route: a problem, never a page or a file.
        Assert.Contains(response.StatusCode, new[] { HttpStatusCode.Unauthorized, HttpStatusCode.NotFound });
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [GeneratedRegex("(?:src|href)=\"(/[^\"]+)\"")]
    private static partial Regex AssetReference();

    [GeneratedRegex("/lib/echarts\\.[a-z0-9]{10}\\.js")]
    private static partial Regex ChartLibrary();

    [GeneratedRegex("<script type=\"importmap\">(.*?)</script>")]
    private static partial Regex ImportMap();
}
