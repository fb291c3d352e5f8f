using Microsoft.AspNetCore.Mvc;
using Promptly.Http;

namespace Promptly.Guides;

/// <summary>An unknown guide as an HTTP problem, worded once: 404 where the guide is the resource, 400 where a request names it.</summary>
internal static class GuideProblems
{
    public static ProblemDetails UnknownConcept(UnknownConceptException e, HttpContext context, int status)
    {
        var problem = Problems.Details(status, "Unknown concept", e.Message, context);
        problem.Extensions["known_concepts"] = e.Known;
        return problem;
    }
}
