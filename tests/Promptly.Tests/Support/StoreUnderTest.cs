using System.Reflection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Promptly.Alerts;
using Promptly.Analytics;
using Promptly.Budget;
using Promptly.Errors;
using Promptly.Health;
using Promptly.Interviews;
using Promptly.Invitations;
using Promptly.Storage.Postgres;
using Promptly.Storage.Sqlite;
using Promptly.Telemetry;
using Xunit.Sdk;

namespace Promptly.Tests.Support;

/// <summary>
/// One store of either kind, seen through the interfaces the features own, over storage of its own: a fresh SQLite
/// folder or a fresh PostgreSQL database (<see cref="TestDatabase"/>), both deleted when disposed.
/// <see cref="OpenAnother{T}"/> opens a second store on the same storage, as a second instance (another process) would.
/// </summary>
internal sealed class StoreUnderTest : IAsyncDisposable
{
    public const string Sqlite = "sqlite", Postgres = "postgres";

    private readonly Func<object> _open;
    private readonly Func<ValueTask> _cleanUp;
    private readonly List<IAsyncDisposable> _opened = [];

    private StoreUnderTest(string kind, Func<object> open, Func<ValueTask> cleanUp)
    {
        Kind = kind;
        _open = open;
        _cleanUp = cleanUp;
        Store = Open();
    }

    public string Kind { get; }

    /// <summary>The first store; every interface below is this one's.</summary>
    public object Store { get; }

    public IInterviewStore Interviews => (IInterviewStore)Store;
    public IInterviewStatsStore Stats => (IInterviewStatsStore)Store;
    public ISessionListStore Sessions => (ISessionListStore)Store;
    public ITurnRecordingStore Recordings => (ITurnRecordingStore)Store;
    public IInvitationStore Invitations => (IInvitationStore)Store;
    public ILatencyStore Latency => (ILatencyStore)Store;
    public IErrorStore Errors => (IErrorStore)Store;
    public IRequestMetricsStore RequestMetrics => (IRequestMetricsStore)Store;
    public IAnalyticsStore Analytics => (IAnalyticsStore)Store;
    public IAlertStore Alerts => (IAlertStore)Store;
    public IHealthProbe Health => (IHealthProbe)Store;

    public static async Task<StoreUnderTest> OpenAsync(string kind)
    {
        if (kind == Postgres)
        {
            var database = await TestDatabase.CreateAsync();
            var options = Options.Create(new PostgresOptions { ConnectionString = database.ConnectionString });
            return new StoreUnderTest(kind, () => new PostgresStore(options, NullLogger<PostgresStore>.Instance), database.DisposeAsync);
        }

        var folder = PromptlyFactory.NewDataFolder();
        var sqlite = Options.Create(new SqliteOptions { DataFolder = folder });
        return new StoreUnderTest(kind, () => new SqliteStore(sqlite, NullLogger<SqliteStore>.Instance), () =>
        {
            Directory.Delete(folder, recursive: true);
            return ValueTask.CompletedTask;
        });
    }

    /// <summary>Another store on the same database, as a second server would open it; disposed with this one.</summary>
    public T OpenAnother<T>() => (T)Open();

    private object Open()
    {
        var store = _open();
        _opened.Add((IAsyncDisposable)store);
        return store;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var store in _opened) await store.DisposeAsync();
        await _cleanUp();
    }
}

/// <summary>Runs a theory against the SQLite store: its argument is <see cref="StoreUnderTest.Sqlite"/>.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class OnSqliteAttribute : DataAttribute
{
    public override IEnumerable<object[]> GetData(MethodInfo testMethod) => [[StoreUnderTest.Sqlite]];
}

/// <summary>
/// Runs a theory against the PostgreSQL store: its argument is <see cref="StoreUnderTest.Postgres"/>. Skipped, saying
/// how to run it, when <c>PROMPTLY_TEST_POSTGRES</c> is not set.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class OnPostgresAttribute : DataAttribute
{
    public OnPostgresAttribute()
    {
        if (Needs.Missing([Needs.Postgres]) is { } reason) Skip = reason;
    }

    public override IEnumerable<object[]> GetData(MethodInfo testMethod) => [[StoreUnderTest.Postgres]];
}
