using Microsoft.AspNetCore.Http;
using Promptly.Guides;
using Promptly.Interviews;

namespace Promptly.Tests.Interviews;

public sealed class InterviewProblemsTests
{
    private static readonly DefaultHttpContext Context = new() { Request = { Path = "/sessions/abc/turns" } };

    public static TheoryData<Exception, int, string> Outcomes() => new()
    {
        { new SessionNotFoundException("abc"), 404, "Session not found" },
        { new InvitationNotFoundException("t"), 404, "Invitation not found" },
        { new SessionClosedException("abc", "completed"), 409, "Session has ended" },
        { new SessionMovedOnException("abc"), 409, "Conflict" },
        { new InvitationUsedException("used"), 409, "Conflict" },
        { new ConceptUnavailableException("abc", "gone"), 409, "Concept no longer available" },
        { new UnknownConceptException("nope", ["a", "b"]), 400, "Unknown concept" },
        { new InterviewerFailedException("The interviewer failed: boom", null), 502, "Interviewer unavailable" },
    };

    [Theory]
    [MemberData(nameof(Outcomes))]
    public void Describe_CoreOutcome_StatusAndTitle(Exception outcome, int status, string title)
    {
        var problem = InterviewProblems.Describe(outcome, Context)!;

        Assert.Equal(status, problem.Status);
        Assert.Equal(title, problem.Title);
        Assert.Equal(outcome is InterviewerFailedException ? $"{outcome.Message} Nothing was stored; send the answer again." : outcome.Message, problem.Detail);
        Assert.Equal("/sessions/abc/turns", problem.Instance);
    }

    [Fact]
    public void Describe_UnknownConcept_ListsTheKnownOnes()
    {
        var problem = InterviewProblems.Describe(new UnknownConceptException("nope", ["a", "b"]), Context)!;

        Assert.Equal(["a", "b"], (IReadOnlyList<string>)problem.Extensions["known_concepts"]!);
    }

    [Fact]
    public void Describe_AnythingElse_LeftToTheServer()
    {
        Assert.Null(InterviewProblems.Describe(new InvalidOperationException("bug"), Context));
    }
}
