using Microsoft.AspNetCore.Diagnostics;
using Promptly.Http;

namespace Promptly.Telemetry;

/// <summary>Times every request from arrival to the end of its response and hands it to the collector.</summary>
internal sealed class RequestMetricsMiddleware(RequestDelegate next, RequestMetricsCollector collector, TimeProvider time)
{
    private const string Unmatched = "(unmatched)";

    public async Task InvokeAsync(HttpContext context)
    {
        var start = time.GetTimestamp();
        context.Features.Set(new RequestArrival(start));
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
            collector.Record(context.Request.Method, route, context.Response.StatusCode, time.GetElapsedTime(start).TotalMilliseconds);
        }
    }
}
