using BenchmarkDotNet.Attributes;
using Microsoft.Data.Sqlite;
using Promptly.Benchmarks.Analytics;
using Promptly.Storage.Sqlite;

namespace Promptly.Benchmarks.Interviews;

/// <summary>A benchmark over a fresh store in the temporary folder, seeded once before it and deleted after it.</summary>
public abstract class SeededStoreBenchmark
{
    private string _folder = null!;

    internal SqliteStore Store { get; private set; } = null!;

    /// <summary>Opens (and migrates) the store, then lets <paramref name="seed"/> fill its database file directly.</summary>
    protected void OpenSeeded(string name, Action<string> seed)
    {
        _folder = Path.Combine(Path.GetTempPath(), $"promptly-{name}-{Guid.NewGuid():N}");
        Store = ProductServices.OpenStore(_folder);
        seed(Path.Combine(_folder, "promptly.db"));
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        await Store.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }
}
