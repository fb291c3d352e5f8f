using System.ClientModel;
using System.Globalization;

namespace Promptly.Interviews;

/// <summary>
/// One failed model call, classified: its fallback cause, whether a retry can help and the wait the provider asked for.
/// The retry strategy retries only the <see cref="Retryable"/> ones; the breaker counts all of them.
/// </summary>
internal sealed class ProviderCallException(string cause, string message, bool retryable, TimeSpan? retryAfter, Exception? inner) : Exception(message, inner)
{
    /// <summary>One of <see cref="FallbackCauses"/>.</summary>
    public string Cause { get; } = cause;

    /// <summary>False when retrying cannot help: a 4xx other than 408/429, or a passed deadline.</summary>
    public bool Retryable { get; } = retryable;

    /// <summary>The provider's Retry-After, which replaces the backoff; null when it named none.</summary>
    public TimeSpan? RetryAfter { get; } = retryAfter;

    /// <summary>Classifies what a call threw.</summary>
    public static ProviderCallException Classify(Exception e, TimeProvider time)
    {
        string cause = FallbackCauses.ProviderError;
        string what;
        var retryable = true;
        TimeSpan? retryAfter = null;
        switch (e)
        {
            case ClientResultException { Status: 429 } rate:
                cause = FallbackCauses.RateLimited;
                retryAfter = RetryAfterOf(rate, time);
                what = retryAfter is { } wait ? $"HTTP 429, retry after {wait.TotalMilliseconds:F0} ms" : "HTTP 429";
                break;
            case ClientResultException { Status: >= 500 or 408 or 0 } transient:
                what = transient.Status == 0 ? $"no response ({Inner(transient)})" : $"HTTP {transient.Status}";
                break;
            case ClientResultException other:
                what = $"HTTP {other.Status}";
                retryable = false;
                break;
            case HttpRequestException or IOException:
                what = $"connection: {Inner(e)}";
                break;
            default:
                what = $"{e.GetType().Name}: {e.Message}";
                break;
        }

        return new ProviderCallException(cause, what, retryable, retryAfter, e);
    }

    private static string Inner(Exception e)
    {
        while (e.InnerException is not null) e = e.InnerException;
        return e.Message;
    }

    /// <summary>Retry-After as seconds or as an HTTP date (RFC 9110), from the failed response.</summary>
    private static TimeSpan? RetryAfterOf(ClientResultException e, TimeProvider time)
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
            ? new(FallbackCauses.StreamDeadline, $"the reply did not finish within {deadline.Complete.TotalMilliseconds:F0} ms", false, null, null)
            : new(FallbackCauses.FirstTokenDeadline, $"no first token within {deadline.FirstToken.TotalMilliseconds:F0} ms", false, null, null);
}
