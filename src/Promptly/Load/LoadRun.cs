using System.Net;
using Spectre.Console;

namespace Promptly.Load;

/// <summary>One run from start to finish: reach the server, set up sessions, drive the load, cross-check with the server.</summary>
internal static class LoadRun
{
    private const int SetupConcurrency = 16;
    private static readonly TimeSpan CheckTimeout = TimeSpan.FromSeconds(10);

    /// <param name="console">Where the set-up and progress lines go.</param>
    /// <param name="handler">Sends the requests (tests pass an in-memory server's); a new socket handler when null.</param>
    public static async Task<LoadResult> RunAsync(
        LoadSettings settings, IAnsiConsole console, HttpMessageHandler? handler, string? apiKey, string command, CancellationToken cancellationToken)
    {
        using var http = CreateClient(settings, handler).Authorized(apiKey);
        await CheckServerAsync(http, settings, cancellationToken);
        var pool = new SessionPool(LoadSettings.PoolCapacity);
        var time = TimeProvider.System;
        var driver = new InterviewDriver(http, settings.Server, settings.Concept, "promptly load", time);
        var acknowledged = settings.Verify ? new AcknowledgedTurns() : null;
        var target = new LoadTarget(http, settings.Server, driver, pool, acknowledged);
        await SetUpAsync(target, settings, console, cancellationToken);

        console.MarkupLine(Markup.Escape($"Loading {settings.Server} ({settings.Mode.ToString().ToLowerInvariant()}): "
            + (settings.Mode == LoadMode.Closed
                ? $"{settings.Connections} connections for {LoadFigures.Seconds(settings.Phases[0].Duration.TotalSeconds)}"
                : string.Join(", ", settings.Phases.Select(p => p.ToString())))
            + "; scenarios " + string.Join(", ", settings.Scenarios.Select(s => $"{s.Name} ({s.Weight:0.##})"))));

        var runner = new LoadRunner(settings, target, time);
        var startedAt = time.GetUtcNow();
        var cpu = Environment.CpuUsage.TotalTime;
        await runner.RunAsync(line => console.MarkupLine($"[grey]{Markup.Escape(LoadFigures.Progress(line))}[/]"), cancellationToken);
        var result = LoadResult.From(settings, runner, command, startedAt, time.GetUtcNow(), Environment.CpuUsage.TotalTime - cpu);
        if (settings.CrossCheck) result = result with { CrossCheck = await LoadCrossCheck.RunAsync(http, settings.Server, result, cancellationToken) };
        if (acknowledged is null) return result;
        console.MarkupLine(Markup.Escape($"Verifying: reading back {Counts.Format(acknowledged.Sessions)} sessions ({Counts.Format(acknowledged.Turns)} acknowledged turns)…"));
        var verification = await StoredCheck.RunAsync(http, settings.Server, acknowledged,
            (read, all) => console.MarkupLine($"[grey]{Markup.Escape($"verify: {Counts.Format(read)} of {Counts.Format(all)} sessions read")}[/]"), cancellationToken);
        return result with { Verification = verification };
    }

    private static HttpClient CreateClient(LoadSettings settings, HttpMessageHandler? handler)
    {
        // One pool of keep-alive connections, as many as requests in flight; nothing the generator does not need
        // (cookies, proxies, decompression) so each request costs as little as it can.
        var owned = handler is null;
        handler ??= new SocketsHttpHandler
        {
            MaxConnectionsPerServer = Math.Max(settings.MaxInFlight, settings.Connections),
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(2),
            ConnectTimeout = settings.Timeout,
            UseCookies = false,
            UseProxy = false,
            AutomaticDecompression = DecompressionMethods.None,
            AllowAutoRedirect = false,
        };
        return new HttpClient(handler, disposeHandler: owned) { Timeout = Timeout.InfiniteTimeSpan };
    }

    /// <summary>GET /health, then the concept when interviews are created: unreachable or failing is exit 2, an unknown concept exit 3 (a bad argument).</summary>
    private static async Task CheckServerAsync(HttpClient http, LoadSettings settings, CancellationToken cancellationToken)
    {
        var health = new Uri(settings.Server, "health");
        using (var response = await GetAsync(http, health, settings.Server, cancellationToken))
        {
            if (response.StatusCode != HttpStatusCode.OK)
            {
                throw CommandException.Unavailable($"The server at {settings.Server} is not healthy: GET /health answered {(int)response.StatusCode}.");
            }
        }

        if (!settings.Scenarios.Any(s => s.Weight > 0 && s.Kind is not ScenarioKind.Health)) return;
        using var concept = await GetAsync(http, new Uri(settings.Server, "concepts/" + Uri.EscapeDataString(settings.Concept)), settings.Server, cancellationToken);
        if (concept.StatusCode == HttpStatusCode.NotFound) throw CommandException.Usage($"The server has no guide '{settings.Concept}'; see GET /concepts.");
        if (concept.StatusCode != HttpStatusCode.OK) throw CommandException.Unavailable($"The server answered {(int)concept.StatusCode} for its guide '{settings.Concept}'.");
    }

    private static async Task<HttpResponseMessage> GetAsync(HttpClient http, Uri uri, Uri server, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(CheckTimeout);
        try
        {
            return await http.GetAsync(uri, timeout.Token);
        }
        catch (HttpRequestException e)
        {
            throw CommandException.Unavailable($"The server at {server} could not be reached: {e.Message}", e);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw CommandException.Unavailable($"The server at {server} did not answer GET {uri.AbsolutePath} within {CheckTimeout.TotalSeconds:0} s.", e);
        }
    }

    /// <summary>Creates the sessions that reads and turns start from; not measured.</summary>
    private static async Task SetUpAsync(LoadTarget target, LoadSettings settings, IAnsiConsole console, CancellationToken cancellationToken)
    {
        var needed = settings.Scenarios.Any(s => s.Weight > 0 && s.Kind is ScenarioKind.GetInterview or ScenarioKind.TakeTurn) ? settings.Sessions : 0;
        if (needed == 0) return;
        var next = -1;
        var failures = new System.Collections.Concurrent.ConcurrentBag<string>();
        await Task.WhenAll(Enumerable.Range(0, Math.Min(SetupConcurrency, needed)).Select(async _ =>
        {
            while (Interlocked.Increment(ref next) < needed && failures.IsEmpty)
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(settings.Timeout);
                var outcome = await target.SendAsync(ScenarioKind.CreateInterview, null, timeout.Token);
                if (!outcome.Ok) failures.Add(outcome.Error!);
            }
        }));
        cancellationToken.ThrowIfCancellationRequested();
        if (!failures.IsEmpty) throw CommandException.Unavailable($"Setting up sessions failed: POST /sessions gave {failures.First()}.");
        console.MarkupLine($"Set-up: {needed} sessions created.");
    }
}
