using System.ComponentModel.DataAnnotations;

namespace Promptly.Storage.Sqlite;

/// <summary>The embedded database. Bound from the <c>Storage</c> section.</summary>
internal sealed class SqliteOptions
{
    public const string Section = "Storage";

    /// <summary>
    /// Folder that holds the database file; created when missing. Default <c>promptly</c> in the user's local
    /// application data folder (<c>~/.local/share/promptly</c> on Linux, <c>%LOCALAPPDATA%\promptly</c> on Windows):
    /// outside the source tree and outside the content root, so database writes never wake a configuration watcher.
    /// </summary>
    [Required]
    public string DataFolder { get; set; } = DataFolders.Default();

    /// <summary>Default <c>promptly.db</c>.</summary>
    [Required]
    public string FileName { get; set; } = "promptly.db";

    /// <summary>
    /// SQLite's <c>synchronous</c> setting for writes. <c>FULL</c> (default): every commit is fsynced to the WAL before
    /// the response is sent, so neither a killed process nor a power loss loses an acknowledged write.
    /// <c>NORMAL</c>: a killed process loses nothing, a power loss may lose the last commits.
    /// </summary>
    [RegularExpression("^(?i)(FULL|NORMAL|EXTRA)$")]
    public string Synchronous { get; set; } = "FULL";

    /// <summary>Most writes committed in one transaction (group commit). Default 512.</summary>
    [Range(1, 100_000)]
    public int MaxBatch { get; set; } = 512;

    /// <summary>
    /// Open the existing database read-only, as <c>promptly analyze</c> does: never create, migrate or write it, and
    /// refuse a schema other than this build's. Not a setting (internal, so configuration never binds it).
    /// </summary>
    internal bool ReadOnly { get; set; }

    public string DatabasePath => Path.GetFullPath(Path.Combine(DataFolder, FileName));
}
