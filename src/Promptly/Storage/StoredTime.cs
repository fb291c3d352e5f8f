namespace Promptly.Storage;

/// <summary>Times as both stores keep them: milliseconds since the Unix epoch, UTC, so the two answer alike to the millisecond.</summary>
internal static class StoredTime
{
    public static long ToUnixMs(DateTimeOffset time) => time.ToUnixTimeMilliseconds();

    // Window ends are exclusive; rounding them up keeps a record stored in the window's last millisecond inside it.
    public static long ToUnixMsCeiling(DateTimeOffset time) =>
        time.ToUnixTimeMilliseconds() + (time.UtcTicks % TimeSpan.TicksPerMillisecond == 0 ? 0 : 1);

    public static DateTimeOffset FromUnixMs(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms);

    public static long? ToUnixMs(DateTimeOffset? time) => time is { } t ? ToUnixMs(t) : null;
}
