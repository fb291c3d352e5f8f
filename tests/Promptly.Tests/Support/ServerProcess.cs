using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;

namespace Promptly.Tests.Support;

/// <summary>
/// The built server as a process of its own on 127.0.0.1, so that it can be killed as a crash kills it (SIGKILL: no
/// shutdown code runs, nothing is flushed) and started again on the same data folder. Every request carries the
/// operator key as a bearer token.
/// </summary>
/// <remarks>Only this process is ever signalled, by its id; disposing kills it if it still runs.</remarks>
internal sealed class ServerProcess : IAsyncDisposable
{
    // Hang guards, not timings under test: a server that needs longer than this to start or stop is broken.
    private static readonly TimeSpan StartPatience = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan StopPatience = TimeSpan.FromSeconds(30);
    private const int OutputLinesKept = 200;

    private readonly Process _process;
    private readonly Queue<string> _output = new();

    // The host's own word that it listens: waiting for it needs no polling loop.
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ServerProcess(Process process, Uri url, string key)
    {
        _process = process;
        Url = url;
        Client = new HttpClient { BaseAddress = url, Timeout = TimeSpan.FromSeconds(60) };
        Client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        _process.OutputDataReceived += (_, line) => Keep(line.Data);
        _process.ErrorDataReceived += (_, line) => Keep(line.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>The base URL, e.g. http://127.0.0.1:40123/.</summary>
    public Uri Url { get; }

    /// <summary>A client of this server that sends the operator key with every request.</summary>
    public HttpClient Client { get; }

    /// <summary>The last lines the server wrote, for a failure's message.</summary>
    public string OutputTail
    {
        get
        {
            lock (_output) return string.Join('\n', _output);
        }
    }

    /// <summary>
    /// Starts the server on <paramref name="dataFolder"/> with <paramref name="settings"/> as command-line switches,
    /// and returns once <c>GET /health</c> answers 200 (its database opened and migrated).
    /// </summary>
    /// <param name="contentRoot">The working folder: a fresh one, so no appsettings.json of another run is read.</param>
    public static async Task<ServerProcess> StartAsync(string contentRoot, string dataFolder, string key, IReadOnlyDictionary<string, string?> settings)
    {
        for (var attempt = 1; ; attempt++)
        {
            var url = new Uri($"http://127.0.0.1:{FreePort()}/");
            string[] args =
            [
                "--urls", url.ToString().TrimEnd('/'),
                $"--Storage:DataFolder={dataFolder}",
                $"--Auth:OperatorKeys:0={key}",
                .. settings.Select(s => $"--{s.Key}={s.Value}"),
            ];
            var server = new ServerProcess(Process.Start(PromptlyExecutable.StartInfo(args, contentRoot))!, url, key);
            try
            {
                await server.WaitHealthyAsync();
                return server;
            }
            catch (InvalidOperationException) when (attempt < 3 && server.OutputTail.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
            {
                // Another process took the free port before the server bound it: another port.
                await server.DisposeAsync();
            }
            catch
            {
                await server.DisposeAsync();
                throw;
            }
        }
    }

    /// <summary>
    /// A port nobody listens on now: the kernel's pick for a listener on port 0, given back at once (so another
    /// process may take it before the server binds it; <see cref="StartAsync"/> then tries another).
    /// </summary>
    public static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
        finally
        {
            listener.Stop();
        }
    }

    /// <summary>Waits for the host to say it has started (its database opened and migrated before that), then asks <c>GET /health</c> once.</summary>
    private async Task WaitHealthyAsync()
    {
        var exited = _process.WaitForExitAsync();
        try
        {
            await Task.WhenAny(_started.Task, exited).WaitAsync(StartPatience);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"The server did not start within {StartPatience.TotalSeconds} s:\n{OutputTail}");
        }

        if (exited.IsCompleted)
        {
            // Without a timeout it also waits until the output is all read, so the message has the server's last words.
            _process.WaitForExit();
            throw new InvalidOperationException($"The server exited with {_process.ExitCode} before it was healthy:\n{OutputTail}");
        }

        using var health = await Client.GetAsync("/health");
        if (health.StatusCode != HttpStatusCode.OK) throw new InvalidOperationException($"The server started but /health answered {(int)health.StatusCode}:\n{OutputTail}");
    }

    /// <summary>SIGKILL (what <see cref="Process.Kill()"/> sends on Linux), then waits until the process is gone.</summary>
    public void Kill()
    {
        _process.Kill();
        _process.WaitForExit();
    }

    /// <summary>Stops the server as an operator does, with SIGTERM (its graceful shutdown), and returns its exit code.</summary>
    public async Task<int> StopAsync()
    {
        ProcessSignals.Send(_process.Id, ProcessSignals.Term);
        using var patience = new CancellationTokenSource(StopPatience);
        await _process.WaitForExitAsync(patience.Token);
        return _process.ExitCode;
    }

    private void Keep(string? line)
    {
        if (line is null) return;
        if (line.Contains("Application started.", StringComparison.Ordinal)) _started.TrySetResult();
        lock (_output)
        {
            _output.Enqueue(line);
            if (_output.Count > OutputLinesKept) _output.Dequeue();
        }
    }

    public ValueTask DisposeAsync()
    {
        Client.Dispose();
        if (!_process.HasExited) Kill();
        _process.Dispose();
        return ValueTask.CompletedTask;
    }
}
