using System.ClientModel;
using System.Globalization;

namespace Promptly.Interviews;

/// <summary>
/// One failed model call, classified: its fallback cause and, when a retry makes sense, how long to wait first.
/// The retry strategy retries only these with a <see cref="RetryIn"/>; the breaker counts all of them.
/// </summary>
internal sealed class ProviderCallException(string cause, string message, TimeSpan? retryIn, Exception? inner) : Exception(message, inner)
{
    /// <summary>One of <see cref="FallbackCauses"/>.</summary>
    public string Cause { get; } = cause;

    /// <summary>The wait before a retry; null when retrying cannot help (a 4xx other than 408/429, or a passed deadline).</summary>
    public TimeSpan? RetryIn { get; } = retryIn;

    /// <summary>
    /// Classifies what a call threw. <paramref name="backoff"/> is the wait when the provider names none;
    /// <paramref name="remaining"/> is the time left before the first-token deadline: a wait that does not fit leaves
    /// nothing to retry.
    /// </summary>
    public static ProviderCallException Classify(Exception e, TimeSpan backoff, TimeSpan remaining, TimeProvider time)
    {
        string cause = FallbackCauses.ProviderError;
        string what;
        TimeSpan? wait = backoff;
        switch (e)
        {
            case ClientResultException { Status: 429 } rate:
                cause = FallbackCauses.RateLimited;
                wait = RetryAfter(rate, time) ?? backoff;
                what = $"HTTP 429, retry after {wait.Value.TotalMilliseconds:F0} ms";
                break;
            case ClientResultException { Status: >= 500 or 408 or 0 } transient:
                what = transient.Status == 0 ? $"no response ({Inner(transient)})" : $"HTTP {transient.Status}";
                break;
            case ClientResultException other:
                what = $"HTTP {other.Status}";
                wait = null;
                break;
            case HttpRequestException or IOException:
                what = $"connection: {Inner(e)}";
                break;
            default:
                what = $"{e.GetType().Name}: {e.Message}";
                break;
        }

        if (wait is { } w && w >= remaining) wait = null;
        return new ProviderCallException(cause, what, wait, e);
    }

    private static string Inner(Exception e)
    {
        while (e.InnerException is not null) e = e.InnerException;
        return e.Message;
    }

    /// <summary>Retry-After as seconds or as an HTTP date (RFC 9110), from the failed response.</summary>
    private static TimeSpan? RetryAfter(ClientResultException e, TimeProvider time)
    {
        if (e.GetRawResponse() is not { } response || !response.Headers.TryGetValue("Retry-After", out var value) || value is null) return null;
        if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds >= 0)
        {
            return TimeSpan.FromSeconds(Math.Min(seconds, 86_400));
        }

        return DateTimeOffset.TryParseExact(value, "r", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
            ? (at - time.GetUtcNow()) is var left && left > TimeSpan.Zero ? left : TimeSpan.Zero
            : null;
    }

    /// <summary>For a call that was cut off by the deadline, not by the provider.</summary>
    public static ProviderCallException Deadline(bool sawFirstToken, TurnDeadline deadline) =>
        sawFirstToken
            ? new(FallbackCauses.StreamDeadline, $"the reply did not finish within {deadline.Complete.TotalMilliseconds:F0} ms", null, null)
            : new(FallbackCauses.FirstTokenDeadline, $"no first token within {deadline.FirstToken.TotalMilliseconds:F0} ms", null, null);
}
