using Microsoft.Extensions.Options;
using Promptly.Http;
using Promptly.Interviews;

namespace Promptly.Health;

internal static class HealthEndpoints
{
    private static readonly TimeSpan DatabaseTimeout = TimeSpan.FromSeconds(2);

    public static IHostApplicationBuilder AddHealth(this IHostApplicationBuilder builder)
    {
        builder.Services.AddJsonContext(HealthJson.Default);
        return builder;
    }

    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder app)
    {
        app.MapGet("/health", CheckAsync).WithTags("Health").AllowAnonymous().Produces<HealthReport>(StatusCodes.Status503ServiceUnavailable).WithName("Health").WithSummary("200 when the server and its database answer, 503 when not, or while the server drains before it stops.");
        return app;
    }

    private static async Task<IResult> CheckAsync(
        IHealthProbe store, SessionCache sessions, IOptions<InterviewerOptions> interviewer, ShutdownDrain drain, TimeProvider time, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        string database;
        // On the server's clock, as every other deadline, so that a test (or a simulated clock) decides when it passes.
        using var deadline = new CancellationTokenSource(DatabaseTimeout, time);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        try
        {
            await store.PingAsync(timeout.Token);
            database = "ok";
        }
        catch (Exception) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            database = $"failing: no answer within {DatabaseTimeout.TotalMilliseconds:0} ms";
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            database = $"failing: {e.Message}";
        }

        // A draining server still answers, but a balancer that checks health should send nothing new its way.
        var status = drain.Draining ? "draining" : database == "ok" ? "ok" : "unhealthy";
        var report = new HealthReport(
            status,
            database,
            Math.Round(time.GetElapsedTime(started).TotalMilliseconds, 3),
            interviewer.Value.Provider.ToLowerInvariant(),
            sessions.Count,
            typeof(HealthEndpoints).Assembly.GetName().Version?.ToString() ?? "0");
        return TypedResults.Json(report, HealthJson.Default.HealthReport, statusCode: status == "ok" ? 200 : 503);
    }
}

internal sealed record HealthReport(string Status, string Database, double DatabaseCheckMs, string Interviewer, int SessionsInMemory, string Version);
