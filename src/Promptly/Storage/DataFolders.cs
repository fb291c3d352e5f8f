namespace Promptly.Storage;

/// <summary>Where a server keeps its files when <c>Storage:DataFolder</c> does not say.</summary>
internal static class DataFolders
{
    /// <summary>
    /// <c>promptly</c> in the user's local application data folder (<c>~/.local/share/promptly</c> on Linux,
    /// <c>%LOCALAPPDATA%\promptly</c> on Windows); <c>data</c> under the working directory when the user has no home folder.
    /// </summary>
    public static string Default()
    {
        var local = Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify);
        return string.IsNullOrEmpty(local) ? "data" : Path.Combine(local, "promptly");
    }

    /// <summary>The configured data folder, or <see cref="Default"/>.</summary>
    public static string Of(IConfiguration configuration) => configuration["Storage:DataFolder"] is { Length: > 0 } folder ? folder : Default();
}
