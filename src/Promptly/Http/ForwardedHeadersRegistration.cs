using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;

namespace Promptly.Http;

/// <summary>
/// The client's own address and scheme behind trusted proxies (<c>ForwardedHeaders</c> settings), so that limits per
/// address count clients rather than the balancer.
/// </summary>
internal static class ForwardedHeadersRegistration
{
    public static WebApplicationBuilder AddForwardedHeaders(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<ProxyOptions>().BindConfiguration(ProxyOptions.Section)
            .Configure<IConfiguration>(AddListsWrittenInOneLine).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<ProxyOptions>>((forwarded, proxies) =>
        {
            forwarded.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            forwarded.ForwardLimit = proxies.Value.ForwardLimit;
            // Only the proxies configured: the defaults trust loopback.
            forwarded.KnownProxies.Clear();
            forwarded.KnownIPNetworks.Clear();
            foreach (var proxy in proxies.Value.Proxies()) forwarded.KnownProxies.Add(proxy);
            foreach (var network in proxies.Value.Networks()) forwarded.KnownIPNetworks.Add(network);
        });
        return builder;
    }

    /// <summary>
    /// A list given as one value (<c>ForwardedHeaders__KnownProxies=10.0.0.5,10.0.0.6</c>, the natural way to write it
    /// in an environment variable) is split on commas: the binder would ignore it, and every client would silently be
    /// counted as the balancer.
    /// </summary>
    private static void AddListsWrittenInOneLine(ProxyOptions options, IConfiguration configuration)
    {
        var section = configuration.GetSection(ProxyOptions.Section);
        options.KnownProxies.AddRange(Split(section[nameof(ProxyOptions.KnownProxies)]));
        options.KnownNetworks.AddRange(Split(section[nameof(ProxyOptions.KnownNetworks)]));
    }

    private static string[] Split(string? value) =>
        value?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];

    /// <summary>
    /// First in the pipeline, before anything reads the client's address. Left out when no proxy is trusted: with both
    /// lists empty the middleware would believe every sender of the headers, not none.
    /// </summary>
    public static WebApplication UseForwardedHeadersOfTrustedProxies(this WebApplication app)
    {
        if (app.Services.GetRequiredService<IOptions<ProxyOptions>>().Value.TrustsAny) app.UseForwardedHeaders();
        return app;
    }
}
