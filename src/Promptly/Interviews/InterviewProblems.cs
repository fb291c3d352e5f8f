using Microsoft.AspNetCore.Mvc;
using Promptly.Guides;
using Promptly.Http;

namespace Promptly.Interviews;

/// <summary>
/// The interview core's outcomes as HTTP answers, for every transport that speaks HTTP (plain JSON, the event
/// stream's <c>error</c> event, session sub-resources of other features). The core itself knows no status codes.
/// </summary>
internal static class InterviewProblems
{
    public static NotFoundProblem NotFound(InterviewNotFoundException e, HttpContext context) => Problems.NotFound(e.Title, e.Message, context);

    public static ConflictProblem Conflict(InterviewConflictException e, HttpContext context) => Problems.Conflict(e.Title, e.Message, context);

    public static BadRequestProblem UnknownConcept(UnknownConceptException e, HttpContext context)
    {
        var problem = Problems.BadRequest("Unknown concept", e.Message, context);
        problem.Value.Extensions["known_concepts"] = e.Known;
        return problem;
    }

    /// <summary>502: the built-in interviewer failed; nothing was stored.</summary>
    public static BadGatewayProblem InterviewerFailed(InterviewerFailedException e, HttpContext context) =>
        Problems.BadGateway("Interviewer unavailable", $"{e.Message} Nothing was stored; send the answer again.", context);

    /// <summary>The problem an exception of the interview core is answered with; null for anything else.</summary>
    public static ProblemDetails? Describe(Exception exception, HttpContext context) => exception switch
    {
        InterviewNotFoundException e => NotFound(e, context).Value,
        InterviewConflictException e => Conflict(e, context).Value,
        UnknownConceptException e => UnknownConcept(e, context).Value,
        InterviewerFailedException e => InterviewerFailed(e, context).Value,
        _ => null,
    };
}
