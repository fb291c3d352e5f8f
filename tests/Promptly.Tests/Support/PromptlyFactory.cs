using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Promptly.Health;
using Promptly.Interviews;
using Promptly.Storage.Sqlite;

namespace Promptly.Tests.Support;

/// <summary>
/// The real server in memory over its own SQLite file in a fresh temporary folder, deleted when the server is
/// disposed. Settings, a replacement interviewer and replacement services can be given per test;
/// <see cref="RestartAsync"/> stops the server and opens a second one on the same data folder.
/// </summary>
/// <remarks>
/// A folder given as <c>dataFolder</c> belongs to the caller and is left alone. Every folder this class hands out lies
/// under one folder per test run, deleted when the run's process exits (or by the next run), so none outlives it.
/// </remarks>
public sealed class PromptlyFactory : WebApplicationFactory<Program>
{
    private static readonly string RunFolder = CreateRunFolder();
    private readonly Dictionary<string, string?> _settings;
    private readonly IChatClient? _chat;
    private readonly Action<IServiceCollection>? _services;
    private bool _ownsDataFolder;

    public PromptlyFactory(Dictionary<string, string?>? settings = null, IChatClient? chat = null, string? dataFolder = null, Action<IServiceCollection>? services = null)
    {
        _ownsDataFolder = dataFolder is null;
        DataFolder = dataFolder ?? NewDataFolder();
        _settings = settings ?? [];
        _chat = chat;
        _services = services;
    }

    public string DataFolder { get; }

    /// <summary>Clients act as an operator unless a test takes the header away (or sets a candidate's token).</summary>
    protected override void ConfigureClient(HttpClient client)
    {
        base.ConfigureClient(client);
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", OperatorKey);
    }

    public List<string> Logs { get; } = [];

    // Tests waiting for a log line: each completes when a matching line is logged (checked under the list's lock).
    private readonly List<(Func<string, bool> Match, TaskCompletionSource Logged)> _waiting = [];

    /// <summary>Completes once the server has logged a line matching <paramref name="match"/> (at once if it already has): the event itself, no polling.</summary>
    public Task LoggedAsync(Func<string, bool> match)
    {
        var logged = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (Logs)
        {
            if (Logs.Any(match)) logged.SetResult();
            else _waiting.Add((match, logged));
        }

        return logged.Task;
    }

    private void Added(string line)
    {
        for (var i = _waiting.Count - 1; i >= 0; i--)
        {
            if (!_waiting[i].Match(line)) continue;
            _waiting[i].Logged.SetResult();
            _waiting.RemoveAt(i);
        }
    }

    /// <summary>The operator key every test server accepts; <see cref="WebApplicationFactory{TEntryPoint}.CreateClient()"/> sends it.</summary>
    public const string OperatorKey = "test-operator-key";

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("Storage:DataFolder", DataFolder);
        builder.UseSetting("Auth:OperatorKeys:0", OperatorKey);
        foreach (var (key, value) in _settings) builder.UseSetting(key, value);
        builder.ConfigureLogging(logging => logging.AddProvider(new ListLoggerProvider(Logs, Added)));
        if (_chat is not null)
        {
            builder.ConfigureTestServices(services =>
            {
                services.RemoveAll<IChatClient>();
                services.AddSingleton(_chat);
            });
        }

        if (_services is not null) builder.ConfigureTestServices(_services);
    }

    /// <summary>A server whose interview store fails on demand (see <see cref="FailingInterviewStore"/>); the store is its <see cref="FailingStore"/>.</summary>
    internal static PromptlyFactory WithFailingStore(Dictionary<string, string?>? settings = null) => new(settings, services: services =>
    {
        services.AddSingleton(sp => new FailingInterviewStore(sp.GetRequiredService<SqliteStore>(), sp.GetRequiredService<SqliteStore>()));
        services.RemoveAll<IInterviewStore>();
        services.AddSingleton<IInterviewStore>(sp => sp.GetRequiredService<FailingInterviewStore>());
        services.RemoveAll<IHealthProbe>();
        services.AddSingleton<IHealthProbe>(sp => sp.GetRequiredService<FailingInterviewStore>());
    });

    /// <summary>The store of a server made by <see cref="WithFailingStore"/>.</summary>
    internal FailingInterviewStore FailingStore => Services.GetRequiredService<FailingInterviewStore>();

    /// <summary>
    /// A server on <paramref name="time"/>'s clock, for tests that jump hours or weeks ahead. The rollup's one-second
    /// timer would tick once for every second of such a jump, so it ticks every ten minutes here.
    /// </summary>
    internal static PromptlyFactory OnClock(Microsoft.Extensions.Time.Testing.FakeTimeProvider time, Dictionary<string, string?>? settings = null)
    {
        var all = new Dictionary<string, string?>(settings ?? []) { ["Analytics:RollupIntervalMs"] = "600000" };
        return new(all, services: services =>
        {
            services.RemoveAll<TimeProvider>();
            services.AddSingleton<TimeProvider>(time);
        });
    }

    /// <summary>The messages of the exception that stopped this server's start, inner ones included.</summary>
    public string StartFailure()
    {
        var failure = Assert.ThrowsAny<Exception>(() => CreateClient());
        var messages = new List<string>();
        for (Exception? e = failure; e is not null; e = e.InnerException) messages.Add(e.Message);
        return string.Join(" | ", messages);
    }

    /// <summary>
    /// Every request reaches the server from <paramref name="address"/>, as over a real connection (the in-memory
    /// server gives none), before any of the server's own middleware sees it.
    /// </summary>
    internal static Action<IServiceCollection> ConnectingFrom(IPAddress address) =>
        services => services.AddSingleton<IStartupFilter>(new ConnectionAddress(address));

    private sealed class ConnectionAddress(IPAddress address) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, rest) =>
            {
                context.Connection.RemoteIpAddress = address;
                return rest(context);
            });
            next(app);
        };
    }

    /// <summary>A fresh folder for a server's data, deleted when the test run ends at the latest.</summary>
    public static string NewDataFolder() => Path.Combine(RunFolder, Guid.NewGuid().ToString("N"));

    /// <summary>
    /// Stops this server, keeping its data, and opens a new one on the same folder, as after a restart; the new server
    /// now owns the folder (and deletes it when disposed, if this one would have).
    /// </summary>
    public async Task<PromptlyFactory> RestartAsync(Dictionary<string, string?>? settings = null)
    {
        var owned = _ownsDataFolder;
        _ownsDataFolder = false;
        await DisposeAsync();
        return new PromptlyFactory(settings ?? _settings, _chat, DataFolder, _services) { _ownsDataFolder = owned };
    }

    /// <summary>A new server on this one's data folder, which the caller owns (given as <c>dataFolder</c>); dispose this one first.</summary>
    public PromptlyFactory Restart(Dictionary<string, string?>? settings = null)
    {
        if (_ownsDataFolder) throw new InvalidOperationException("This server deletes its data folder when disposed; restart it with RestartAsync.");
        return new(settings ?? _settings, _chat, DataFolder, _services);
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (_ownsDataFolder && Directory.Exists(DataFolder)) Directory.Delete(DataFolder, recursive: true);
    }

    private static string CreateRunFolder()
    {
        var root = Path.Combine(Path.GetTempPath(), "promptly-tests");
        DeleteFoldersOfEndedRuns(root);
        var folder = Path.Combine(root, $"run-{Environment.ProcessId}-{Guid.NewGuid():N}");
        AppDomain.CurrentDomain.ProcessExit += (_, _) => TryDelete(folder);
        return folder;
    }

    // The test host is not always let to run its exit handlers, so a run also removes what ended runs left behind.
    private static void DeleteFoldersOfEndedRuns(string root)
    {
        if (!Directory.Exists(root)) return;
        foreach (var folder in Directory.EnumerateDirectories(root, "run-*"))
        {
            var parts = Path.GetFileName(folder).Split('-');
            if (parts.Length == 3 && int.TryParse(parts[1], out var pid) && !IsRunning(pid)) TryDelete(folder);
        }
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static void TryDelete(string folder)
    {
        try
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
            // Still in use or already going: the next run tries again.
        }
        catch (UnauthorizedAccessException)
        {
            // Another user's run.
        }
    }
}
