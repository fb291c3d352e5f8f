using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using Promptly.Http;

namespace Promptly.Access;

internal static class AccessRegistration
{
    /// <summary>The limiter of candidates' turns, per session.</summary>
    public const string TurnLimit = "turns";

    /// <summary>The limiter of sessions started without a key, per client address.</summary>
    public const string StartLimit = "starts";

    /// <summary>The limiter of event ingest, per operator key.</summary>
    public const string IngestLimit = "ingest";

    public static WebApplicationBuilder AddAccess(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<AccessOptions>().BindConfiguration(AccessOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<RateLimitOptions>().BindConfiguration(RateLimitOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<OperatorKeys>();
        services.AddSingleton<SessionTokens>();
        services.AddSingleton<FailedAuthLimiter>();
        services.AddAuthentication(Callers.Scheme).AddScheme<AuthenticationSchemeOptions, AccessHandler>(Callers.Scheme, null);
        // Resolved from the container rather than built by reflection on every request.
        services.AddTransient<AccessHandler>();
        services.AddSingleton<IAuthorizationHandler, StartSessionHandler>();
        // The policies name no scheme: the one scheme is the default, whose caller the authentication middleware has
        // already set. A scheme named here would authenticate again and copy the caller into a new principal per request.
        var operators = new AuthorizationPolicyBuilder().RequireRole(Callers.OperatorRole).Build();
        services.AddAuthorizationBuilder()
            .AddPolicy(AccessPolicies.Operator, operators)
            .AddPolicy(AccessPolicies.Session, policy => policy.AddRequirements(new OwnSessionRequirement()))
            .AddPolicy(AccessPolicies.StartSession, policy => policy.AddRequirements(new StartSessionRequirement()))
            .SetFallbackPolicy(operators);
        services.AddRateLimiter(limiter =>
        {
            limiter.OnRejected = RejectAsync;
            limiter.AddPolicy(TurnLimit, context => context.User.IsOperator()
                ? RateLimitPartition.GetNoLimiter("operator")
                : Window(context, $"session:{context.GetRouteValue("id")}", o => o.TurnsPerSession));
            limiter.AddPolicy(StartLimit, context => context.User.IsOperator()
                ? RateLimitPartition.GetNoLimiter("operator")
                : Window(context, $"address:{Addresses.Of(context)}", o => o.SessionStartsPerAddress));
            limiter.AddPolicy(IngestLimit, context => Window(context, $"key:{context.User.OperatorKey()}", o => o.IngestPerKey));
        });
        return builder;
    }

    private static RateLimitPartition<string> Window(HttpContext context, string partition, Func<RateLimitOptions, int> permits)
    {
        var options = context.RequestServices.GetRequiredService<IOptions<RateLimitOptions>>().Value;
        return RateLimitPartition.GetFixedWindowLimiter(partition, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = permits(options),
            Window = options.Window,
            QueueLimit = 0,
        });
    }

    private static async ValueTask RejectAsync(OnRejectedContext rejected, CancellationToken cancellationToken)
    {
        var context = rejected.HttpContext;
        var wait = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter)
            ? retryAfter
            : context.RequestServices.GetRequiredService<IOptions<RateLimitOptions>>().Value.Window;
        context.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        await Problems.WriteAsync(context, StatusCodes.Status429TooManyRequests, "Too many requests",
            $"Over the limit of this route; try again in {Math.Ceiling(wait.TotalSeconds)} s (RateLimits settings).");
    }
}
