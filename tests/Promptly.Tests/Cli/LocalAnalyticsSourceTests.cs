using Microsoft.Data.Sqlite;
using Promptly.Load;
using Promptly.Storage.Sqlite;

namespace Promptly.Tests.Cli;

/// <summary><c>promptly analyze</c> opens the local database read-only and reads only this build's schema.</summary>
public sealed class LocalAnalyticsSourceTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "promptly-tests", Guid.NewGuid().ToString("N"));

    private string Database => Path.Combine(_folder, "promptly.db");

    /// <summary>A database in rollback-journal mode at <paramref name="version"/>: the full schema when it is this build's, else one table.</summary>
    private void CreateDatabase(int version)
    {
        Directory.CreateDirectory(_folder);
        using var connection = new SqliteConnection($"Data Source={Database};Pooling=False");
        connection.Open();
        if (version == SqliteSchema.LatestVersion)
        {
            SqliteSchema.Migrate(connection);
            return;
        }

        using var command = connection.CreateCommand();
        command.CommandText = $"CREATE TABLE sessions (id TEXT PRIMARY KEY); PRAGMA user_version = {version};";
        command.ExecuteNonQuery();
    }

    private string Pragma(string name)
    {
        using var connection = new SqliteConnection($"Data Source={Database};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"PRAGMA {name}";
        return Convert.ToString(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture)!;
    }

    [Fact]
    public async Task Analyze_OlderSchema_RefusesNamingBothVersionsAndDoesNotMigrate()
    {
        var older = SqliteSchema.LatestVersion - 1;
        CreateDatabase(older);

        var run = await AnalyzeRun.RunAsync("--data-folder", _folder, "--summary");

        run.AssertFailed(ExitCodes.Unavailable, $"has schema version {older}, this promptly reads version {SqliteSchema.LatestVersion}; it is read-only here and never migrated");
        Assert.Equal($"{older}", Pragma("user_version"));
    }

    [Fact]
    public async Task Analyze_NewerSchema_RefusesNamingBothVersions()
    {
        var newer = SqliteSchema.LatestVersion + 1;
        CreateDatabase(newer);

        var run = await AnalyzeRun.RunAsync("--data-folder", _folder, "--summary");

        run.AssertFailed(ExitCodes.Unavailable, $"has schema version {newer}, this promptly reads version {SqliteSchema.LatestVersion}; it was written by a newer promptly");
    }

    [Fact]
    public async Task Analyze_CurrentSchema_ReadsWithoutChangingTheDatabase()
    {
        CreateDatabase(SqliteSchema.LatestVersion);

        var run = await AnalyzeRun.RunAsync("--data-folder", _folder, "--summary", "--phase", "--bottlenecks");

        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains("SUMMARY", run.Output);

        // A writer would have switched the file to WAL, as the server does when it opens it.
        Assert.Equal("delete", Pragma("journal_mode"));
    }

    public void Dispose()
    {
        if (Directory.Exists(_folder)) Directory.Delete(_folder, recursive: true);
    }
}
