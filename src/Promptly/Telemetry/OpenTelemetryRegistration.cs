using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Promptly.Access;
using Promptly.Latency;
using Promptly.Observability;

namespace Promptly.Telemetry;

/// <summary>
/// Plugs Promptly into the team's monitoring through OpenTelemetry .NET: the <c>Promptly</c> meter and ASP.NET Core's
/// HTTP server metrics, exported at <c>GET /metrics</c> in Prometheus's text format; and, when
/// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set, traces (a span per interviewer response with one per phase, the model
/// calls, the HTTP requests) over OTLP. Without that setting no tracer listens, so no span is ever built.
/// </summary>
internal static class OpenTelemetryRegistration
{
    public const string ServiceName = "promptly";

    /// <summary>The standard variable the OTLP exporter reads; its presence turns tracing on.</summary>
    public const string OtlpEndpoint = "OTEL_EXPORTER_OTLP_ENDPOINT";

    private const string HostingMeter = "Microsoft.AspNetCore.Hosting";
    private const string KestrelMeter = "Microsoft.AspNetCore.Server.Kestrel";

    public static WebApplicationBuilder AddOpenTelemetryExport(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<MetricsOptions>().BindConfiguration(MetricsOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<PromptlyInstruments>();
        var telemetry = services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(ServiceName))
            .WithMetrics(metrics => metrics
                .AddMeter(PromptlyInstruments.MeterName)
                // ASP.NET Core's request duration and Kestrel's connections; not its routing, rate-limiting and
                // diagnostics meters, which record on every request what the request duration already says.
                .AddMeter(HostingMeter, KestrelMeter)
                .AddPrometheusExporter());
        if (!string.IsNullOrWhiteSpace(builder.Configuration[OtlpEndpoint]))
        {
            telemetry.WithTracing(tracing => tracing
                .AddSource(LatencyTracing.SourceName)
                .AddAspNetCoreInstrumentation()
                .AddOtlpExporter());
        }

        if (builder.Configuration.GetSection(MetricsOptions.Section).Get<MetricsOptions>()?.Port is { } port) ListenAlsoOn(builder, port);
        return builder;
    }

    /// <summary>
    /// Adds the metrics port to the addresses the server listens on (those of <c>--urls</c>/<c>ASPNETCORE_URLS</c>, or
    /// Kestrel's default), so that setting it takes nothing away.
    /// </summary>
    private static void ListenAlsoOn(WebApplicationBuilder builder, int port)
    {
        var urls = builder.Configuration[WebHostDefaults.ServerUrlsKey] is { Length: > 0 } configured ? configured : "http://localhost:5000";
        builder.WebHost.UseUrls([.. urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), $"http://*:{port}"]);
    }

    /// <summary>
    /// <c>GET /metrics</c>: on its own port without credentials when <c>Metrics:Port</c> is set, otherwise on the
    /// API's port for operators.
    /// </summary>
    public static IEndpointRouteBuilder MapMetrics(this IEndpointRouteBuilder app)
    {
        var scrape = app.MapPrometheusScrapingEndpoint("/metrics").WithTags("Metrics").WithName("Metrics")
            .WithSummary("Every metric in Prometheus's text format, for a Prometheus scrape.");
        if (app.ServiceProvider.GetRequiredService<IOptions<MetricsOptions>>().Value.Port is { } port)
        {
            scrape.RequireHost($"*:{port}").AllowAnonymous();
        }
        else
        {
            scrape.RequireOperator();
        }

        return app;
    }
}
