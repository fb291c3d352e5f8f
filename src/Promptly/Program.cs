using Promptly.Access;
using Promptly.Alerts;
using Promptly.Analytics;
using Promptly.Budget;
using Promptly.Cli;
using Promptly.Diagnostics;
using Promptly.Errors;
using Promptly.Export;
using Promptly.Graph;
using Promptly.Guides;
using Promptly.Health;
using Promptly.Http;
using Promptly.Interviews;
using Promptly.Invitations;
using Promptly.Storage.Providers;
using Promptly.Telemetry;
using Promptly.Voice;
using Promptly.Web;

// `promptly analyze …` and the other commands run and exit (a mistyped one is refused); settings alone start the server.
if (PromptlyCommands.Handles(args))
{
    return await PromptlyCommands.RunAsync(args, CliContext.System());
}

var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
{
    Args = HttpRegistration.HostArguments(args),
    // The pages' files lie beside the program (a published server, the installed tool), wherever it is started from.
    WebRootPath = WebRegistration.WebRoot,
});

builder.AddHttpApi();
builder.AddForwardedHeaders();
ShutdownDrain.AddShutdownDrain(builder);
builder.AddAccess();
builder.AddStorage();
builder.AddGuides();
builder.AddLatencyBudget();
builder.AddErrors();
builder.AddLatencyAnalytics();
builder.AddAlerts();
builder.AddInterviews();
builder.AddVoice();
builder.AddGraph();
builder.AddExport();
builder.AddInvitations();
builder.AddHealth();
builder.AddRequestMetrics();
builder.AddOpenTelemetryExport();
builder.AddDiagnostics();
builder.AddWebPages();

var app = builder.Build();

// Guides load now, so a broken guide file stops the start with its name rather than failing the first request; the
// operator key too, so a generated one is announced at the start.
app.Services.GetRequiredService<GuideCatalog>();
app.Services.GetRequiredService<OperatorKeys>();

// The client's address behind a trusted balancer, before the metrics, the limits or anything else reads it.
app.UseForwardedHeadersOfTrustedProxies();
ShutdownDrain.UseShutdownDrain(app);
app.UseMiddleware<RequestMetricsMiddleware>();
app.UseExceptionHandler();
app.UseStatusCodePages(StatusCodeProblems.WriteAsync);
app.UseMiddleware<UnknownQueryParameters>();
app.UseWebSockets();
app.UseAuthentication();
app.UseAuthorization();
app.UseRateLimiter();

// The one document by its own path: the default pattern's {documentName} answered any other name with a plain-text 404.
app.MapOpenApi("/openapi/v1.json").AllowAnonymous();
var routes = app.MapGroup("").RejectUnknownQueryParameters();
routes.MapHealth();
routes.MapGuides();
routes.MapInterviews();
routes.MapVoice();
routes.MapGraph();
routes.MapExport();
routes.MapInvitations();
routes.MapBudget();
routes.MapLatencyAnalytics();
routes.MapErrors();
routes.MapAlerts();
routes.MapRequestMetrics();
app.MapMetrics();
routes.MapDiagnostics();
app.MapWebPages();

app.Run();
return 0;

/// <summary>The entry point, visible to the integration tests' <c>WebApplicationFactory</c>.</summary>
public partial class Program;
