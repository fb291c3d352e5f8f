using System.Net.WebSockets;
using Microsoft.AspNetCore.Http.Features;

namespace Promptly.Telemetry;

/// <summary>
/// When a request's connection was handed to another protocol: a WebSocket's 101. Such a request lasts as long as its
/// socket stays open, minutes for a voice interview, while what it cost the client is the time to the 101; timed to
/// its end, one voice session would be the route's p99 for the rest of the hour. ASP.NET Core's own
/// <c>http.server.request.duration</c> has no such notion, so an upgraded request is left out of it (Kestrel's
/// <c>kestrel.upgraded_connections</c> counts the sockets).
/// </summary>
internal sealed class UpgradeClock(IHttpMetricsTagsFeature? hostingMetrics)
{
    private long _at;

    /// <summary>The timestamp at which the 101 went out; null until then, and for requests that were never upgraded.</summary>
    public long? At => _at == 0 ? null : _at;

    /// <summary>
    /// Watches <paramref name="context"/>'s upgrade, if it can be upgraded at all: Kestrel's HTTP/1.1 upgrade, which the
    /// WebSocket middleware further on accepts through, or a host's own WebSocket feature (the test server's).
    /// </summary>
    public static UpgradeClock? Watch(HttpContext context, TimeProvider time)
    {
        var upgrade = context.Features.Get<IHttpUpgradeFeature>();
        var webSocket = context.Features.Get<IHttpWebSocketFeature>();
        var upgradable = upgrade is { IsUpgradableRequest: true };
        var socket = webSocket is { IsWebSocketRequest: true };
        if (!upgradable && !socket) return null;
        var clock = new UpgradeClock(context.Features.Get<IHttpMetricsTagsFeature>());
        if (upgradable) context.Features.Set<IHttpUpgradeFeature>(new TimedUpgrade(upgrade!, clock, time));
        if (socket) context.Features.Set<IHttpWebSocketFeature>(new TimedWebSocket(webSocket!, clock, time));
        return clock;
    }

    private void Upgraded(TimeProvider time)
    {
        Interlocked.CompareExchange(ref _at, time.GetTimestamp(), 0);
        if (hostingMetrics is not null) hostingMetrics.MetricsDisabled = true;
    }

    private sealed class TimedUpgrade(IHttpUpgradeFeature inner, UpgradeClock clock, TimeProvider time) : IHttpUpgradeFeature
    {
        public bool IsUpgradableRequest => inner.IsUpgradableRequest;

        public async Task<Stream> UpgradeAsync()
        {
            var stream = await inner.UpgradeAsync();
            clock.Upgraded(time);
            return stream;
        }
    }

    private sealed class TimedWebSocket(IHttpWebSocketFeature inner, UpgradeClock clock, TimeProvider time) : IHttpWebSocketFeature
    {
        public bool IsWebSocketRequest => inner.IsWebSocketRequest;

        public async Task<WebSocket> AcceptAsync(WebSocketAcceptContext context)
        {
            var socket = await inner.AcceptAsync(context);
            clock.Upgraded(time);
            return socket;
        }
    }
}
