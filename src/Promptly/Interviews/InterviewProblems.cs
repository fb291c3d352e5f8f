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

    public static BadRequestProblem UnknownConcept(UnknownConceptException e, HttpContext context) =>
        new(GuideProblems.UnknownConcept(e, context, StatusCodes.Status400BadRequest));

    /// <summary>502: the built-in interviewer failed; nothing was stored.</summary>
    public static BadGatewayProblem InterviewerFailed(InterviewerFailedException e, HttpContext context) =>
        Problems.BadGateway("Interviewer unavailable", $"{e.Message} Nothing was stored; send the answer again.", context);

    /// <summary>
    /// Answers with what <paramref name="read"/> makes of a session, or with the problem that the session cannot be
    /// read or changed (404 unknown, 409 closed or gone): the one mapping of every session sub-resource.
    /// </summary>
    public static async Task<Results<Ok<T>, NotFoundProblem, ConflictProblem>> AnswerAsync<T>(HttpContext context, Func<CancellationToken, Task<T>> read)
    {
        try
        {
            return TypedResults.Ok(await read(context.RequestAborted));
        }
        catch (InterviewNotFoundException e)
        {
            return NotFound(e, context);
        }
        catch (InterviewConflictException e)
        {
            return Conflict(e, context);
        }
    }

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
