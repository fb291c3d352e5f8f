using System.Globalization;

namespace Promptly.Load;

/// <summary>How every command writes a count, so tables, progress lines and reports agree: "12,345".</summary>
internal static class Counts
{
    public static string Format(long count) => count.ToString("#,0", CultureInfo.InvariantCulture);
}
