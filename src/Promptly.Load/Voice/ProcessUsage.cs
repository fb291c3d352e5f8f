using System.Globalization;

namespace Promptly.Load.Voice;

/// <summary>
/// A process's CPU time and resident memory read from Linux's <c>/proc/PID</c>, so a load run can say what the server
/// (another process, by pid) spent on it. Null where there is no such process or no <c>/proc</c>.
/// </summary>
internal readonly record struct ProcessUsage(TimeSpan Cpu, long RssBytes)
{
    // utime and stime are in clock ticks of USER_HZ, which is 100 on every Linux that .NET runs on.
    private const double TicksPerSecond = 100;

    public static ProcessUsage? Read(int pid)
    {
        try
        {
            // The command name in parentheses may hold spaces: fields are counted after its closing parenthesis.
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
            var rss = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
            var kb = rss is null ? 0 : long.Parse(rss["VmRSS:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
            return new ProcessUsage(TimeSpan.FromSeconds(ticks / TicksPerSecond), kb * 1024);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }
}
