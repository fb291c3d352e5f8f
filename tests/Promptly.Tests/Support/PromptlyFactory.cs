using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace Promptly.Tests.Support;

/// <summary>
/// The real server in memory over its own SQLite file in a fresh temporary folder. Settings and a replacement
/// interviewer can be given per test; <see cref="Restart"/> opens a second server on the same data folder.
/// </summary>
public sealed class PromptlyFactory : WebApplicationFactory<Program>
{
    private readonly Dictionary<string, string?> _settings;
    private readonly IChatClient? _chat;

    public PromptlyFactory(Dictionary<string, string?>? settings = null, IChatClient? chat = null, string? dataFolder = null)
    {
        DataFolder = dataFolder ?? Path.Combine(Path.GetTempPath(), "promptly-tests", Guid.NewGuid().ToString("N"));
        _settings = settings ?? [];
        _chat = chat;
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
    }

    /// <summary>A new server on this one's data folder, as after a restart; dispose this one first.</summary>
    public PromptlyFactory Restart(Dictionary<string, string?>? settings = null) => new(settings ?? _settings, _chat, DataFolder);

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }
}
