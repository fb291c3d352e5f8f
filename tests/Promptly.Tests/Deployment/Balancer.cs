using System.Diagnostics;
using Promptly.Tests.Support;

namespace Promptly.Tests.Deployment;

/// <summary>
/// nginx on 127.0.0.1 in front of the given instances, configured from the repository's <c>deploy/nginx.conf</c> (the
/// file README gives operators), in a temporary folder of its own that disposing deletes.
/// </summary>
/// <remarks>Only this nginx's master is signalled, by its id; it ends its own workers.</remarks>
internal sealed class Balancer : IAsyncDisposable
{
    // Hang guards, not timings under test.
    private const int HealthAttempts = 300;
    private static readonly TimeSpan HealthInterval = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan StopPatience = TimeSpan.FromSeconds(30);

    private readonly Process _process;
    private readonly string _folder;

    private Balancer(Process process, string folder, Uri url)
    {
        _process = process;
        _folder = folder;
        Url = url;
    }

    /// <summary>The base URL clients use, e.g. http://127.0.0.1:40123/.</summary>
    public Uri Url { get; }

    public string ErrorLog => File.Exists(Path.Combine(_folder, "error.log")) ? File.ReadAllText(Path.Combine(_folder, "error.log")) : "";

    public static async Task<Balancer> StartAsync(IReadOnlyList<Uri> instances, HttpClient probe)
    {
        if (instances.Count != 2) throw new ArgumentException("deploy/nginx.conf names two instances.", nameof(instances));
        var template = await File.ReadAllTextAsync(Path.Combine(Repository.Root(), "deploy", "nginx.conf"));
        for (var attempt = 1; ; attempt++)
        {
            // Under /tmp, readable by all: run as root, nginx's workers are nobody and use the temporary folders in it.
            var folder = Path.Combine(Path.GetTempPath(), $"promptly-nginx-{Guid.NewGuid():N}");
            Directory.CreateDirectory(folder);
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute |
                    UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
            }

            var url = new Uri($"http://127.0.0.1:{ServerProcess.FreePort()}/");
            var config = Path.Combine(folder, "nginx.conf");
            await File.WriteAllTextAsync(config, template
                .Replace("@FOLDER@", folder, StringComparison.Ordinal)
                .Replace("@LISTEN@", url.Authority, StringComparison.Ordinal)
                .Replace("@INSTANCE_1@", instances[0].Authority, StringComparison.Ordinal)
                .Replace("@INSTANCE_2@", instances[1].Authority, StringComparison.Ordinal));
            var start = new ProcessStartInfo(Needs.NginxPath() ?? throw new InvalidOperationException("nginx is not installed: the test should have been skipped."))
            {
                ArgumentList = { "-p", folder, "-e", Path.Combine(folder, "error.log"), "-c", config, "-g", "daemon off;" },
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            var balancer = new Balancer(Process.Start(start)!, folder, url);
            try
            {
                await balancer.WaitHealthyAsync(probe);
                return balancer;
            }
            catch (InvalidOperationException) when (attempt < 3 && balancer.ErrorLog.Contains("Address already in use", StringComparison.Ordinal))
            {
                // Another process took the free port first.
                await balancer.DisposeAsync();
            }
            catch
            {
                await balancer.DisposeAsync();
                throw;
            }
        }
    }

    private async Task WaitHealthyAsync(HttpClient probe)
    {
        for (var attempt = 0; attempt < HealthAttempts && !_process.HasExited; attempt++)
        {
            try
            {
                using var health = await probe.GetAsync(new Uri(Url, "health"));
                if (health.IsSuccessStatusCode) return;
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(HealthInterval);
        }

        throw new InvalidOperationException($"nginx did not answer /health at {Url}:\n{ErrorLog}");
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                // SIGTERM: nginx's fast shutdown; the master stops its workers before it exits.
                ProcessSignals.Send(_process.Id, ProcessSignals.Term);
                using var patience = new CancellationTokenSource(StopPatience);
                try
                {
                    await _process.WaitForExitAsync(patience.Token);
                }
                catch (OperationCanceledException)
                {
                    _process.Kill(entireProcessTree: true);
                }
            }
        }
        finally
        {
            _process.Dispose();
            Directory.Delete(_folder, recursive: true);
        }
    }
}
