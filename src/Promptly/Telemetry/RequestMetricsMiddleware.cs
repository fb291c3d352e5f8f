namespace Promptly.Telemetry;

/// <summary>Times every request from arrival to the end of its response and hands it to the collector.</summary>
public sealed class RequestMetricsMiddleware(RequestDelegate next, RequestMetricsCollector collector, TimeProvider time)
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
            var route = (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? Unmatched;
            collector.Record(context.Request.Method, route, context.Response.StatusCode, time.GetElapsedTime(start).TotalMilliseconds);
        }
    }
}
