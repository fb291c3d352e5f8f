namespace Promptly.Latency;

/// <summary>
/// Stores keep times to the millisecond. Times that are stored are taken at that precision to begin with, so what a
/// client reads before a restart is exactly what it reads after one.
/// </summary>
public static class StoredTime
{
    public static DateTimeOffset GetStoredNow(this TimeProvider time) =>
        DateTimeOffset.FromUnixTimeMilliseconds(time.GetUtcNow().ToUnixTimeMilliseconds());
}
