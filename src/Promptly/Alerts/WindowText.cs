namespace Promptly.Alerts;

/// <summary>A window's length as Prometheus writes durations, so the API's windows read as the rules file's.</summary>
internal static class WindowText
{
    public static string Of(TimeSpan window) => window switch
    {
        _ when window.Ticks % TimeSpan.TicksPerDay == 0 => $"{window.Ticks / TimeSpan.TicksPerDay}d",
        _ when window.Ticks % TimeSpan.TicksPerHour == 0 => $"{window.Ticks / TimeSpan.TicksPerHour}h",
        _ when window.Ticks % TimeSpan.TicksPerMinute == 0 => $"{window.Ticks / TimeSpan.TicksPerMinute}m",
        _ => $"{(long)window.TotalSeconds}s",
    };
}
