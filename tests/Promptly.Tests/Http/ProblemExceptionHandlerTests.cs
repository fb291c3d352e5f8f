using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Promptly.Http;
using Promptly.Interviews;
using Promptly.Storage;
using Promptly.Tests.Support;

namespace Promptly.Tests.Http;

/// <summary>
/// Every exception that leaves an endpoint becomes <c>application/problem+json</c> with the right status; the server's
/// own failures (5xx) are logged, the client's are not; a storage failure is a 503 that leaves nothing half-written.
/// </summary>
public sealed class ProblemExceptionHandlerTests
{
    private readonly List<string> _logs = [];

    [Fact]
    public async Task Handle_ApiProblem_ItsStatusTitleDetailAndExtensionsNotLogged()
    {
        var problem = new ApiProblemException(404, "Session not found", "There is no session 'abc'.", new Dictionary<string, object?> { ["session_id"] = "abc" });

        var (context, body) = await HandleAsync(problem);

        Assert.Equal(404, context.Response.StatusCode);
        Assert.Equal("Session not found", body["title"]!.GetValue<string>());
        Assert.Equal("There is no session 'abc'.", body["detail"]!.GetValue<string>());
        Assert.Equal("abc", body["session_id"]!.GetValue<string>());
        Assert.Equal("/sessions/abc/turns", body["instance"]!.GetValue<string>());
        Assert.Empty(_logs);
    }

    [Fact]
    public async Task Handle_BodyTooLarge_413RequestTooLarge()
    {
        var (context, body) = await HandleAsync(new BadHttpRequestException("Request body too large.", StatusCodes.Status413PayloadTooLarge));

        Assert.Equal(413, context.Response.StatusCode);
        Assert.Equal("Request too large", body["title"]!.GetValue<string>());
        Assert.Empty(_logs);
    }

    [Fact]
    public async Task Handle_FeatureExceptionItsEndpointDidNotMap_500AndLogs()
    {
        // Features answer their own outcomes (InterviewProblems); one reaching here is a missing mapping, a bug.
        var (context, body) = await HandleAsync(new InterviewerFailedException("The interviewer failed: boom", null));

        Assert.Equal(500, context.Response.StatusCode);
        Assert.Equal("Unexpected error", body["title"]!.GetValue<string>());
        Assert.Equal(["ERROR POST /sessions/abc/turns failed with 500"], _logs);
    }

    [Fact]
    public async Task Handle_StorageUnavailable_503WithTheCauseAndLogs()
    {
        var (context, body) = await HandleAsync(new StorageUnavailableException("The database could not commit: disk full", new IOException("disk full")));

        Assert.Equal(503, context.Response.StatusCode);
        Assert.Equal("Storage unavailable", body["title"]!.GetValue<string>());
        Assert.Equal("The database could not commit: disk full", body["detail"]!.GetValue<string>());
        Assert.Equal(["ERROR POST /sessions/abc/turns failed with 503"], _logs);
    }

    [Fact]
    public async Task Handle_UnexpectedException_500WithoutItsMessageAndLogs()
    {
        var (context, body) = await HandleAsync(new InvalidOperationException("secret internals"));

        Assert.Equal(500, context.Response.StatusCode);
        Assert.Equal("The server failed unexpectedly; the error is logged.", body["detail"]!.GetValue<string>());
        Assert.DoesNotContain("secret", body.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal(["ERROR POST /sessions/abc/turns failed with 500"], _logs);
    }

    [Fact]
    public async Task Handle_ClientLeft_HandledWithoutAnswerOrLog()
    {
        using var left = new CancellationTokenSource();
        await left.CancelAsync();
        var context = NewContext();
        context.RequestAborted = left.Token;

        var handled = await Handler().TryHandleAsync(context, new OperationCanceledException(left.Token), CancellationToken.None);

        Assert.True(handled);
        Assert.Equal(0, context.Response.Body.Length);
        Assert.False(context.Response.HasStarted);
        Assert.Empty(_logs);
    }

    [Fact]
    public async Task StartSession_StorageUnavailable_503ProblemAndNoSessionStored()
    {
        await using var factory = PromptlyFactory.WithFailingStore();
        var client = factory.CreateClient();
        factory.FailingStore.Failing = true;

        var problem = await client.PostJsonAsync("/sessions", new { concept_id = "oat_milk_v1" }, HttpStatusCode.ServiceUnavailable);

        Assert.Equal("Storage unavailable", problem["title"]!.GetValue<string>());
        Assert.Equal(FailingInterviewStore.Cause, problem["detail"]!.GetValue<string>());
        // The failed response is measured (as failed, never within budget); no session exists to read.
        var compliance = (await client.GetJsonAsync("/api/latency/compliance?hours=1"))["overall"]!;
        Assert.Equal(1, compliance["total_responses"]!.GetValue<int>());
        Assert.Equal(0, compliance["within_budget"]!.GetValue<int>());
        var slow = (await client.GetJsonAsync("/api/latency/slow?hours=1"))["responses"]!.AsArray().Single()!;
        await client.GetJsonAsync($"/sessions/{slow["session_id"]!.GetValue<string>()}", HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Turn_StorageUnavailable_503ProblemAndSessionUntouched()
    {
        await using var factory = PromptlyFactory.WithFailingStore();
        var client = factory.CreateClient();
        var id = (await client.StartAsync()).Id();
        var before = await client.GetJsonAsync($"/sessions/{id}");

        factory.FailingStore.Failing = true;
        var problem = await client.TurnAsync(id, "I like it because it tastes fresh.", HttpStatusCode.ServiceUnavailable);
        factory.FailingStore.Failing = false;

        Assert.Equal("Storage unavailable", problem["title"]!.GetValue<string>());
        // Neither the answer nor the reply was stored and the session did not move on; the response is measured as failed.
        var after = await client.GetJsonAsync($"/sessions/{id}");
        Assert.Equal(before.ToJsonString(), after.ToJsonString());
        var records = (await client.GetJsonAsync($"/sessions/{id}/latency"))["responses"]!.AsArray();
        Assert.Equal([false, true], records.Select(r => r!["failed"]!.GetValue<bool>()));

        // Sent again once the database is back, the answer is question 1, as it would have been.
        var retried = await client.TurnAsync(id, "I like it because it tastes fresh.");
        Assert.Equal(1, retried["question_number"]!.GetValue<int>());
        Assert.Equal(3, (await client.GetJsonAsync($"/sessions/{id}"))["transcript"]!.AsArray().Count);
    }

    private ProblemExceptionHandler Handler()
    {
        var loggers = LoggerFactory.Create(logging => logging.AddProvider(new ListLoggerProvider(_logs)));
        return new ProblemExceptionHandler(loggers.CreateLogger<ProblemExceptionHandler>());
    }

    private static DefaultHttpContext NewContext()
    {
        var context = new DefaultHttpContext
        {
            RequestServices = new ServiceCollection().AddLogging().AddProblemDetails().BuildServiceProvider(),
        };
        context.Request.Method = "POST";
        context.Request.Path = "/sessions/abc/turns";
        context.Response.Body = new MemoryStream();
        return context;
    }

    private async Task<(HttpContext Context, JsonObject Body)> HandleAsync(Exception exception)
    {
        var context = NewContext();

        Assert.True(await Handler().TryHandleAsync(context, exception, CancellationToken.None));

        Assert.Equal("application/problem+json", context.Response.ContentType);
        context.Response.Body.Position = 0;
        var body = (await JsonNode.ParseAsync(context.Response.Body))!.AsObject();
        Assert.Equal(context.Response.StatusCode, body["status"]!.GetValue<int>());
        return (context, body);
    }
}
