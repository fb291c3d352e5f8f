namespace Promptly.Http;

/// <summary>When a request arrived (<see cref="TimeProvider.GetTimestamp"/>), set first thing in the pipeline so latency
/// records measure from arrival, not from the endpoint.</summary>
internal sealed class RequestArrival(long timestamp)
{
    public long Timestamp { get; } = timestamp;
}

internal static class RequestArrivalExtensions
{
    public static long ArrivalTimestamp(this HttpContext context, TimeProvider time) =>
        context.Features.Get<RequestArrival>()?.Timestamp ?? time.GetTimestamp();
}
