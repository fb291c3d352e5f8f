using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Promptly.Http;

/// <summary>How the server stops. Bound from the <c>Shutdown</c> section (env: <c>Shutdown__DrainSeconds=3</c>).</summary>
internal sealed class ShutdownOptions
{
    public const string Section = "Shutdown";

    /// <summary>
    /// Seconds the server goes on serving after it is told to stop (SIGTERM, Ctrl-C) while it sends clients and
    /// balancers elsewhere, before it stops accepting connections. Default 0: stop at once (one server alone).
    /// </summary>
    [Range(0, 300)]
    public int DrainSeconds { get; set; }
}

/// <summary>
/// A drain before the stop, for servers behind a balancer (a rolling restart): for <see cref="ShutdownOptions.DrainSeconds"/>
/// after the stop signal the server still answers every request, but each answer says <c>Connection: close</c> and
/// <c>GET /health</c> answers 503 <c>draining</c>. A balancer then stops reusing its connections to this server (one
/// it reused just as the server closed it would fail a request already sent, which it cannot send again if it is a
/// turn), and one that checks health takes the server out; only then does the server stop accepting connections, and
/// a refused connection is one a balancer passes to another server.
/// </summary>
/// <remarks>
/// Runs first among the host's stopping steps (<see cref="IHostedLifecycleService.StoppingAsync"/>), before the web
/// server stops listening; the host's shutdown timeout is raised by the drain so the in-flight requests still get theirs.
/// </remarks>
internal sealed partial class ShutdownDrain(IOptions<ShutdownOptions> options, TimeProvider time, ILogger<ShutdownDrain> logger) : IHostedLifecycleService
{
    private volatile bool _draining;

    public bool Draining => _draining;

    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        var seconds = options.Value.DrainSeconds;
        // Once: a stop that comes after a drain has run stops at once.
        if (seconds == 0 || _draining) return;
        _draining = true;
        LogDraining(seconds);
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(seconds), time, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // The host's shutdown timeout ran out: stop now.
        }
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>While draining, every answer closes its connection; an upgrade to a WebSocket is left as it is.</summary>
    public static WebApplication UseShutdownDrain(WebApplication app)
    {
        var drain = app.Services.GetRequiredService<ShutdownDrain>();
        app.Use((context, next) =>
        {
            if (drain.Draining && context.Request.Headers.Upgrade.Count == 0) context.Response.Headers.Connection = "close";
            return next(context);
        });
        return app;
    }

    public static WebApplicationBuilder AddShutdownDrain(WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<ShutdownOptions>().BindConfiguration(ShutdownOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<ShutdownDrain>();
        builder.Services.AddHostedService(services => services.GetRequiredService<ShutdownDrain>());
        builder.Services.AddOptions<HostOptions>().Configure<IOptions<ShutdownOptions>>((host, shutdown) =>
            host.ShutdownTimeout += TimeSpan.FromSeconds(shutdown.Value.DrainSeconds));
        return builder;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Stopping: draining for {Seconds} s (Shutdown:DrainSeconds) before the server stops accepting connections")]
    private partial void LogDraining(int seconds);
}
