using Microsoft.Extensions.Configuration.Memory;
using System.Text.Json;

namespace Promptly.Http;

internal static class HttpRegistration
{
    /// <summary>Largest request body accepted: far above any valid request, far below what could hurt the server.</summary>
    public const long MaxRequestBodyBytes = 1024 * 1024;

    public static WebApplicationBuilder AddHttpApi(this WebApplicationBuilder builder)
    {
        // Lowest-priority defaults, so they hold however the server is launched (dotnet run, the dll, a container)
        // while appsettings files, environment variables and arguments still override them. Per-request logging at
        // Information would cost more than a whole turn.
        builder.Configuration.Sources.Insert(0, new MemoryConfigurationSource
        {
            InitialData = new Dictionary<string, string?>
            {
                ["Logging:LogLevel:Default"] = "Information",
                ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
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
}
