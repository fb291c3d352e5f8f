using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;

namespace Promptly.Access;

/// <summary>
/// Who may call a route: every route group says which policy it needs, and a route that says nothing needs an
/// operator (the fallback policy), so a new route is closed until it is opened on purpose.
/// </summary>
internal static class AccessPolicies
{
    /// <summary>Operators only.</summary>
    public const string Operator = "operator";

    /// <summary>An operator, or the candidate whose token grants the session named by the route's <c>{id}</c>.</summary>
    public const string Session = "session";

    /// <summary>Starting a session without an invitation: an operator, or anybody for practice while <c>Auth:OpenPracticeSessions</c>.</summary>
    public const string StartSession = "start-session";

    public static TBuilder RequireOperator<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.RequireAuthorization(Operator).ProducesAccessProblems();

    public static TBuilder RequireSessionAccess<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.RequireAuthorization(Session).ProducesAccessProblems();

    /// <summary>401 without credentials, 403 with wrong ones, 429 over a limit, so the OpenAPI document shows them.</summary>
    public static TBuilder ProducesAccessProblems<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
}

/// <summary>The candidate's token grants only the session it was issued for.</summary>
internal sealed class OwnSessionRequirement : AuthorizationHandler<OwnSessionRequirement>, IAuthorizationRequirement
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, OwnSessionRequirement requirement)
    {
        var route = (context.Resource as HttpContext)?.GetRouteValue("id") as string;
        if (context.User.IsOperator() || (route is not null && context.User.CandidateSession() == route)) context.Succeed(requirement);
        return Task.CompletedTask;
    }
}

/// <summary>What a session to start is, as far as who may start it goes.</summary>
/// <param name="IsPractice">A practice session (not an invited screening).</param>
internal sealed record SessionToStart(bool IsPractice);

/// <summary>Starting a session without an invitation (<see cref="AccessPolicies.StartSession"/>).</summary>
internal sealed class StartSessionRequirement : IAuthorizationRequirement;

/// <summary>An operator may start any session; anybody may start a practice one while <c>Auth:OpenPracticeSessions</c> is on.</summary>
internal sealed class StartSessionHandler(IOptionsMonitor<AccessOptions> options) : AuthorizationHandler<StartSessionRequirement, SessionToStart>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, StartSessionRequirement requirement, SessionToStart resource)
    {
        if (context.User.IsOperator() || (options.CurrentValue.OpenPracticeSessions && resource.IsPractice)) context.Succeed(requirement);
        return Task.CompletedTask;
    }
}
