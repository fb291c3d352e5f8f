using Promptly.Http;
using Promptly.Interviews;
using Promptly.Access;

namespace Promptly.Diagnostics;

internal static class DiagnosticsEndpoints
{
    // One report at a time: a caller that arrives during another's full collection waits for it to end rather than
    // blocking the server with a second collection at the same moment.
    private static readonly SemaphoreSlim OneAtATime = new(1, 1);

    public static IHostApplicationBuilder AddDiagnostics(this IHostApplicationBuilder builder)
    {
        builder.Services.AddJsonContext(DiagnosticsJson.Default);
        return builder;
    }

    /// <summary>Maps <c>GET /api/diagnostics/memory</c> when <see cref="DiagnosticsOptions.MemoryEndpoint"/> is set; otherwise nothing.</summary>
    public static IEndpointRouteBuilder MapDiagnostics(this IEndpointRouteBuilder app)
    {
        var options = app.ServiceProvider.GetRequiredService<IConfiguration>().GetSection(DiagnosticsOptions.Section).Get<DiagnosticsOptions>() ?? new DiagnosticsOptions();
        if (!options.MemoryEndpoint) return app;

        app.MapGet("/api/diagnostics/memory", MemoryAsync).RequireOperator().WithTags("Diagnostics").WithName("Memory")
            .WithSummary("Forces a full garbage collection, then reports managed heap, RSS, threads, timers, open files and cached sessions.");
        return app;
    }

    private static async Task<Ok<MemoryReport>> MemoryAsync(SessionCache sessions, CancellationToken cancellationToken)
    {
        await OneAtATime.WaitAsync(cancellationToken);
        try
        {
            return TypedResults.Ok(MemoryReport.Take(sessions));
        }
        finally
        {
            OneAtATime.Release();
        }
    }
}
