using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Promptly.Analytics;
using Promptly.Latency;
using Promptly.Storage.Sqlite;

namespace Promptly.Tests.Storage.Sqlite;

/// <summary>
/// What only SQLite's analytics read must do: read beside the writer without waiting for its lock. The choice between
/// an exact read and digests is in the store contract (<see cref="Contract.AnalyticsStoreContractTests"/>), on both stores.
/// </summary>
public sealed class SqliteStoreAnalyticsTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Start = new(2026, 11, 2, 10, 0, 0, TimeSpan.Zero);

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "promptly-tests", Guid.NewGuid().ToString("N"));
    private SqliteStore _store = null!;

    public Task InitializeAsync()
    {
        _store = new SqliteStore(Options.Create(new SqliteOptions { DataFolder = _folder }), NullLogger<SqliteStore>.Instance);
        return Task.CompletedTask;
    }

    private Task SaveAsync(string source, int count) => _store.SaveEventsAsync(
        [.. Enumerable.Range(0, count).Select(i => new IngestedEvent(
            new RunSample(source, "PRACTICE", Start.AddSeconds(i), 100 + i, [new PhaseTiming("Build", 50)], true, false), null, null, 1000))],
        CancellationToken.None);

    private Task<AnalyticsSnapshot> ReadAsync(string? source, long limit) => _store.ReadAsync(
        new AnalyticsRead(Start, Start.AddHours(1), [], RunFilter.Of(source, null), DigestDetail.Totals, new ExactRead(Start, Start.AddHours(1), limit)),
        CancellationToken.None);

    [Fact]
    public async Task ReadAsync_WhileAnotherConnectionHoldsTheWriteLock_ReadsAtOnce()
    {
        await SaveAsync("ci", 3);
        await using var writer = new SqliteConnection($"Data Source={Path.Combine(_folder, "promptly.db")};Pooling=False");
        await writer.OpenAsync();
        await using var holding = writer.BeginTransaction(deferred: false);

        // A read that asked for the write lock would wait for it until the command timeout (30 s), then fail.
        var snapshot = await ReadAsync(null, limit: 10);

        Assert.Equal(3, snapshot.Runs.Count);
    }

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }
}
