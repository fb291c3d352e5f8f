using Microsoft.AspNetCore.Diagnostics;
using Promptly.Http;

namespace Promptly.Telemetry;

/// <summary>
/// Times every request from arrival to the end of its response, or to its 101 when it became a WebSocket (see
/// <see cref="UpgradeClock"/>), and hands it to the collector.
/// </summary>
internal sealed class RequestMetricsMiddleware(RequestDelegate next, RequestMetricsCollector collector, TimeProvider time)
{
    private const string Unmatched = "(unmatched)";
    private const string OtherMethod = "OTHER";

    /// <summary>
    /// Methods recorded by name. A method is any token a client cares to send, and each name would keep recorders of
    /// its own for as long as the server runs; the rest are recorded together as <see cref="OtherMethod"/>.
    /// </summary>
    private static readonly string[] Methods =
        [HttpMethods.Get, HttpMethods.Post, HttpMethods.Put, HttpMethods.Delete, HttpMethods.Patch, HttpMethods.Head, HttpMethods.Options];

    public async Task InvokeAsync(HttpContext context)
    {
        var start = time.GetTimestamp();
        context.Features.Set(new RequestArrival(start));
        var upgrade = UpgradeClock.Watch(context, time);
        try
        {
            await next(context);
        }
        finally
        {
            // After an exception the handler re-runs the pipeline with the endpoint cleared; its feature keeps the original.
            var endpoint = context.GetEndpoint() ?? context.Features.Get<IExceptionHandlerFeature>()?.Endpoint;
            var route = (endpoint as RouteEndpoint)?.RoutePattern.RawText ?? Unmatched;
            // A group's root route ends in '/' ("/sessions/"); it is reported as the path clients call.
            if (route.Length > 1 && route[^1] == '/') route = route[..^1];
            collector.Record(MethodOf(context.Request), route, context.Response.StatusCode, time.GetElapsedTime(start, upgrade?.At ?? time.GetTimestamp()).TotalMilliseconds);
        }
    }

    private static string MethodOf(HttpRequest request)
    {
        foreach (var method in Methods)
        {
            if (HttpMethods.Equals(method, request.Method)) return method;
        }

        return OtherMethod;
    }
}
