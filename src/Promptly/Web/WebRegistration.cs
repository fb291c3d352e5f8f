using Microsoft.Extensions.Configuration.Memory;

namespace Promptly.Web;

/// <summary>
/// The two pages served by the API itself: the candidate's interview (<c>/</c>, <c>/i/{token}</c>) and the operators'
/// dashboard (<c>/dashboard</c>). Plain HTML, CSS and JavaScript modules from <c>wwwroot</c>, served by ASP.NET Core's
/// static assets (compressed at build time, named by content hash); no build step and no Node at run time.
/// </summary>
internal static class WebRegistration
{
    /// <summary>
    /// wwwroot beside the program: the content root is the folder the server is started in, so its default web root
    /// would be that folder's wwwroot.
    /// </summary>
    public static string WebRoot => Path.Combine(AppContext.BaseDirectory, "wwwroot");

    public static WebApplicationBuilder AddWebPages(this WebApplicationBuilder builder)
    {
        // `dotnet run` and the tests serve the files where they lie (wwwroot in the source tree, the chart library in
        // the NuGet cache), by the build's manifest; a published server or the installed tool has them in its own
        // wwwroot, and then this does nothing.
        builder.WebHost.UseStaticWebAssets();
        // Run from its build output, ASP.NET serves assets for hot reload: every GET no route matched first looks on
        // disk for a file the build did not list (a file-system lookup, 13% of a 404's CPU: BENCHMARKS.md, "Turn
        // cost"). Only a developer editing the pages wants that; lowest priority, so settings can still turn it on.
        builder.Configuration.Sources.Insert(0, new MemoryConfigurationSource
        {
            InitialData = new Dictionary<string, string?> { ["ReloadStaticAssetsAtRuntime"] = builder.Environment.IsDevelopment() ? "true" : "false" },
        });
        builder.Services.AddSingleton<AssetUrls>();
        builder.Services.AddSingleton<PageRenderer>();
        return builder;
    }

    public static IEndpointRouteBuilder MapWebPages(this IEndpointRouteBuilder app)
    {
        app.MapStaticAssets().AllowAnonymous().Add(AssetHeaders.Apply);

        var pages = app.MapGroup("").AllowAnonymous().ExcludeFromDescription();
        pages.MapGet("/", (PageRenderer pages, HttpContext context) => pages.Write(Page.Interview, context));
        // An invitation's link: the page reads the token from its own address and starts the interview with it.
        pages.MapGet("/i/{token}", (PageRenderer pages, HttpContext context) => pages.Write(Page.Interview, context));
        pages.MapGet("/dashboard", (PageRenderer pages, HttpContext context) => pages.Write(Page.Dashboard, context));
        return app;
    }
}
