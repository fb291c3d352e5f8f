using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.Configuration.Memory;
using Microsoft.Extensions.FileProviders;
using System.Text.Json;

namespace Promptly.Http;

internal static class HttpRegistration
{
    /// <summary>Largest request body accepted: far above any valid request, far below what could hurt the server.</summary>
    public const long MaxRequestBodyBytes = 1024 * 1024;

    /// <summary>
    /// The host's arguments: <paramref name="args"/> with the host's own configuration reload turned off. Its watcher
    /// covers the whole content root, subfolders included, so every write under it (a data folder's WAL, a build's
    /// output) woke it; <see cref="AddHttpApi"/> watches appsettings*.json alone instead.
    /// </summary>
    public static string[] HostArguments(string[] args) => [.. args, "--hostBuilder:reloadConfigOnChange=false"];

    public static WebApplicationBuilder AddHttpApi(this WebApplicationBuilder builder)
    {
        WatchSettingsFilesOnly(builder);
        // Lowest-priority defaults, so they hold however the server is launched (dotnet run, the dll, a container)
        // while appsettings files, environment variables and arguments still override them. Per-request logging at
        // Information would cost more than a whole turn.
        builder.Configuration.Sources.Insert(0, new MemoryConfigurationSource
        {
            InitialData = new Dictionary<string, string?>
            {
                ["Logging:LogLevel:Default"] = "Information",
                ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
                // HttpClientFactory logs every outgoing request (the alert webhook's, the providers') at Information.
                ["Logging:LogLevel:System.Net.Http.HttpClient"] = "Warning",
            },
        });
        builder.WebHost.UseKestrelHttpsConfiguration();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Limits.MaxRequestBodySize = MaxRequestBodyBytes;
            kestrel.AddServerHeader = false;
        });
        builder.Services.ConfigureHttpJsonOptions(options =>
        {
            options.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
        });
        builder.Services.AddProblemDetails();
        // The document at /openapi/v1.json lists every route with every answer it can give (typed results and
        // the problems declared on route groups).
        builder.Services.AddOpenApi();
        builder.Services.AddExceptionHandler<ProblemExceptionHandler>();
        builder.Services.AddSingleton(TimeProvider.System);
        return builder;
    }

    /// <summary>
    /// appsettings.json and appsettings.{Environment}.json are re-read when they change (run-time budget overrides),
    /// noticed by polling those two files' timestamps every few seconds: no watcher on the content root's tree.
    /// </summary>
    private static void WatchSettingsFilesOnly(WebApplicationBuilder builder)
    {
        var sources = builder.Configuration.Sources;
        PhysicalFileProvider? files = null;
        for (var i = 0; i < sources.Count; i++)
        {
            if (sources[i] is not JsonConfigurationSource { ReloadOnChange: false, Path: { } path } json
                || !path.StartsWith("appsettings", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            files ??= new PhysicalFileProvider(builder.Environment.ContentRootPath) { UsePollingFileWatcher = true, UseActivePolling = true };
            sources[i] = new JsonConfigurationSource { Path = path, Optional = json.Optional, ReloadOnChange = true, ReloadDelay = json.ReloadDelay, FileProvider = files };
        }
    }
}
