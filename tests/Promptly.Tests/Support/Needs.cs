namespace Promptly.Tests.Support;

/// <summary>
/// Real parts that some tests drive and that a plain machine with the .NET SDK lacks. <c>.ci/run</c> installs every
/// one of them, so in CI these tests always run; elsewhere they show as skipped with what to install, never as passed.
/// </summary>
public static class Needs
{
    public const string EspeakNg = "espeak-ng";
    public const string Sox = "sox";
    public const string SileroModel = "silero";

    /// <summary>Prometheus and its promtool, from the Debian package <c>prometheus</c>.</summary>
    public const string Prometheus = "prometheus";
    public const string Promtool = "promtool";

    /// <summary>Debian's Chromium (package <c>chromium</c>), which Playwright drives: no browser can be downloaded here.</summary>
    public const string Chromium = "chromium";

    /// <summary>
    /// A PostgreSQL server where the tests may create databases, named by the connection string in
    /// <c>PROMPTLY_TEST_POSTGRES</c>; <c>.ci/run</c> starts a throwaway one and sets it.
    /// </summary>
    public const string Postgres = "postgres";

    public const string PostgresVariable = "PROMPTLY_TEST_POSTGRES";

    /// <summary>nginx, from the Debian package <c>nginx</c>: the load balancer of the two-instance deployment.</summary>
    public const string Nginx = "nginx";

    /// <summary>nginx on the PATH, or where Debian puts it (<c>/usr/sbin</c>, not on every user's PATH); null when missing.</summary>
    public static string? NginxPath() => OnPath(Nginx) ?? (File.Exists("/usr/sbin/nginx") ? "/usr/sbin/nginx" : null);

    public static string? PostgresConnectionString() => Environment.GetEnvironmentVariable(PostgresVariable) is { Length: > 0 } set ? set : null;

    /// <summary>The Silero VAD v5 model that <c>.ci/run</c> unpacks from the npm package <c>@ricky0123/vad-web</c>.</summary>
    public static string? SileroModelPath()
    {
        if (Environment.GetEnvironmentVariable("PROMPTLY_SILERO_MODEL") is { Length: > 0 } set && File.Exists(set)) return set;
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, ".cache", "silero_vad_v5.onnx");
            if (File.Exists(candidate)) return candidate;
        }

        return null;
    }

    /// <summary>The full path of <paramref name="program"/> on the PATH, or null.</summary>
    public static string? OnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, program)).FirstOrDefault(File.Exists);

    internal static string? Missing(IEnumerable<string> needs)
    {
        var missing = needs.Where(need => need switch
        {
            SileroModel => SileroModelPath() is null,
            Postgres => PostgresConnectionString() is null,
            Nginx => NginxPath() is null,
            _ => OnPath(need) is null,
        }).ToArray();
        if (missing.Length == 0) return null;
        return missing.SequenceEqual([Postgres])
            ? $"needs PostgreSQL: set {PostgresVariable} to a connection string of a server where the user may create databases (.ci/run starts one and sets it)"
            : $"needs {string.Join(", ", missing)} (.ci/run installs it: apt-get install espeak-ng sox prometheus chromium postgresql nginx; the Silero model from npm; {PostgresVariable} for PostgreSQL)";
    }
}

/// <summary>A fact that runs only where the real parts it drives are installed (see <see cref="Needs"/>).</summary>
public sealed class FactWhenInstalledAttribute : FactAttribute
{
    public FactWhenInstalledAttribute(params string[] needs)
    {
        if (Needs.Missing(needs) is { } reason) Skip = reason;
    }
}
