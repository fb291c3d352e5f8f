using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace Promptly.Access;

/// <summary>Counts wrong credentials per client address, so guessing keys or tokens gets 429 rather than endless tries.</summary>
internal sealed class FailedAuthLimiter(IOptions<RateLimitOptions> options) : IDisposable
{
    private readonly PartitionedRateLimiter<string> _limiter = PartitionedRateLimiter.Create<string, string>(address =>
        RateLimitPartition.GetFixedWindowLimiter(address, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = options.Value.FailedAuthPerAddress,
            Window = options.Value.Window,
            QueueLimit = 0,
        }));

    /// <summary>Counts a failure from the request's address; how long it must wait once it has failed too often, else null.</summary>
    public TimeSpan? Failed(HttpContext context)
    {
        using var lease = _limiter.AttemptAcquire(Addresses.Of(context));
        if (lease.IsAcquired) return null;
        return lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : options.Value.Window;
    }

    public void Dispose() => _limiter.Dispose();
}

/// <summary>The client address a limit is counted against.</summary>
internal static class Addresses
{
    public static string Of(HttpContext context) => context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
}
