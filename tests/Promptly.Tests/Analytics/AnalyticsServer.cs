using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Promptly.Analytics;
using Promptly.Tests.Support;

namespace Promptly.Tests.Analytics;

/// <summary>
/// The real server (a <see cref="PromptlyFactory"/>) without the background rollup loop: runs are folded into
/// digests, and expired rows deleted, only when a test calls <see cref="Rollup"/>, so "not rolled up yet" is a state
/// a test can hold. Stopping the loop after start instead would race its first round.
/// </summary>
internal sealed class AnalyticsServer : IAsyncDisposable
{
    private readonly PromptlyFactory _factory;
    private readonly WebApplicationFactory<Program> _server;
    private bool _ownsDataFolder = true;

    /// <param name="settings">The server's settings.</param>
    /// <param name="dataFolder">A stopped server's folder, which this one then owns (see <see cref="Restart"/>).</param>
    public AnalyticsServer(Dictionary<string, string?>? settings = null, string? dataFolder = null)
    {
        Settings = settings ?? AnalyticsApi.Settings();
        // The folder is this class's to delete, so that it can outlive one server for the next (Restart).
        _factory = new PromptlyFactory(Settings, dataFolder: dataFolder ?? PromptlyFactory.NewDataFolder());
        _server = _factory.WithWebHostBuilder(builder => builder.ConfigureTestServices(services =>
        {
            var loop = services.Where(d => d.ServiceType == typeof(IHostedService) && d.ImplementationFactory?.Method.ReturnType == typeof(LatencyRollup)).ToList();
            Assert.Single(loop);
            services.Remove(loop[0]);
        }));
    }

    public Dictionary<string, string?> Settings { get; }

    public string DataFolder => _factory.DataFolder;

    public IServiceProvider Services => _server.Services;

    public LatencyRollup Rollup => Services.GetRequiredService<LatencyRollup>();

    public HttpClient CreateClient() => _server.CreateClient();

    /// <summary>A new server on this one's data folder, as after a restart, which then owns the folder; stop this one first.</summary>
    public AnalyticsServer Restart(Dictionary<string, string?>? settings = null) => new(settings ?? Settings, DataFolder);

    /// <summary>Stops the server and keeps its data folder for <see cref="Restart"/>.</summary>
    public async Task StopAsync()
    {
        _ownsDataFolder = false;
        await _factory.DisposeAsync();
    }

    /// <summary>Stops the server and deletes its data folder, unless it was stopped for a restart.</summary>
    public async ValueTask DisposeAsync()
    {
        await _factory.DisposeAsync();
        if (_ownsDataFolder && Directory.Exists(DataFolder)) Directory.Delete(DataFolder, recursive: true);
    }
}
