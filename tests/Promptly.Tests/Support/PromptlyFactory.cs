using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace Promptly.Tests.Support;

/// <summary>
/// The real server in memory over its own SQLite file in a fresh temporary folder, deleted when the server is
/// disposed. Settings, a replacement interviewer and replacement services can be given per test;
/// <see cref="RestartAsync"/> stops the server and opens a second one on the same data folder.
/// </summary>
/// <remarks>
/// A folder given as <c>dataFolder</c> belongs to the caller and is left alone. Every folder this class hands out lies
/// under one folder per test run, deleted when the run's process exits, so none outlives the run.
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

    public List<string> Logs { get; } = [];

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("Storage:DataFolder", DataFolder);
        foreach (var (key, value) in _settings) builder.UseSetting(key, value);
        builder.ConfigureLogging(logging => logging.AddProvider(new ListLoggerProvider(Logs)));
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
    public static PromptlyFactory WithFailingStore(Dictionary<string, string?>? settings = null) => new(settings, services: services =>
    {
        services.AddSingleton(sp => new FailingInterviewStore(sp.GetRequiredService<Promptly.Storage.Sqlite.SqliteStore>()));
        services.RemoveAll<Promptly.Storage.IInterviewStore>();
        services.AddSingleton<Promptly.Storage.IInterviewStore>(sp => sp.GetRequiredService<FailingInterviewStore>());
    });

    /// <summary>The store of a server made by <see cref="WithFailingStore"/>.</summary>
    public FailingInterviewStore FailingStore => Services.GetRequiredService<FailingInterviewStore>();

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
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (_ownsDataFolder && Directory.Exists(DataFolder)) Directory.Delete(DataFolder, recursive: true);
    }

    private static string CreateRunFolder()
    {
        var folder = Path.Combine(Path.GetTempPath(), "promptly-tests", $"run-{Environment.ProcessId}-{Guid.NewGuid():N}");
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
                // A file still open at exit: the folder is in the temporary directory, which the system cleans.
            }
        };
        return folder;
    }
}
