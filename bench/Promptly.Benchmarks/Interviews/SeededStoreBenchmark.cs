using BenchmarkDotNet.Attributes;
using Microsoft.Data.Sqlite;
using Promptly.Benchmarks.Analytics;
using Promptly.Storage.Sqlite;

namespace Promptly.Benchmarks.Interviews;

/// <summary>
/// A benchmark over a store in the temporary folder, seeded before it: a fresh one deleted after it, or, for data
/// that takes minutes to write, one kept and reused by every case and every later run.
/// </summary>
public abstract class SeededStoreBenchmark
{
    private const string Seeded = "seeded";
    private string _folder = null!;
    private bool _kept;

    internal SqliteStore Store { get; private set; } = null!;

    /// <summary>Opens (and migrates) the store, then lets <paramref name="seed"/> fill its database file directly.</summary>
    /// <param name="keep">
    /// Seeds <c>promptly-{name}</c> once and keeps it (delete the folder to seed again); otherwise a new folder,
    /// deleted after the benchmark.
    /// </param>
    protected void OpenSeeded(string name, Action<string> seed, bool keep = false)
    {
        _kept = keep;
        _folder = Path.Combine(Path.GetTempPath(), keep ? $"promptly-{name}" : $"promptly-{name}-{Guid.NewGuid():N}");
        var marker = Path.Combine(_folder, Seeded);
        if (keep && !File.Exists(marker) && Directory.Exists(_folder)) Directory.Delete(_folder, recursive: true);
        Store = ProductServices.OpenStore(_folder);
        if (keep && File.Exists(marker)) return;
        seed(Path.Combine(_folder, "promptly.db"));
        if (keep) File.WriteAllText(marker, DateTimeOffset.UtcNow.ToString("O"));
    }

    /// <summary>Sets a seeding command's parameters for its next row.</summary>
    protected static void Bind(SqliteCommand command, params (string Name, object? Value)[] values)
    {
        command.Parameters.Clear();
        foreach (var (name, value) in values) command.Parameters.AddWithValue(name, value ?? DBNull.Value);
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        await Store.DisposeAsync();
        SqliteConnection.ClearAllPools();
        if (!_kept) Directory.Delete(_folder, recursive: true);
    }
}
