using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using Promptly.Load;

namespace Promptly.Tests.Load;

/// <summary>The session driver shared by load, bench and the turn-load benchmark, against a scripted server.</summary>
public sealed class InterviewDriverTests : IDisposable
{
    private static readonly Uri Server = new("http://localhost/promptly/");

    private readonly FakeTimeProvider _time = new();
    private readonly Script _script;
    private readonly HttpClient _http;
    private readonly InterviewDriver _driver;

    public InterviewDriverTests()
    {
        _script = new Script(_time);
        _http = new HttpClient(_script);
        _driver = new InterviewDriver(_http, Server, "software_engineer_practice", "test", _time);
    }

    private static string Turn(int question, bool done, double serverMs = 1.25, double aiMs = 0.5) => string.Create(CultureInfo.InvariantCulture,
        $"{{\"session_id\":\"x\",\"question_number\":{question},\"done\":{(done ? "true" : "false")},\"phases\":{{\"response_time_ms\":99}},"
        + $"\"latency\":{{\"question_number\":{question},\"response_time_ms\":{serverMs},\"ai_processing_time_ms\":{aiMs},\"phases\":{{\"load\":0.1}}}}}}");

    private static string Started(string id, bool done = false) => $$"""{"id":"{{id}}","message":"Hello","question_number":0,"done":{{(done ? "true" : "false")}}}""";

    [Fact]
    public async Task TurnAsync_Answer_ReadsTheServersLatencyAndTimesTheExchange()
    {
        _script.Answer("/promptly/sessions/s%201/turns", HttpStatusCode.OK, Turn(3, done: false), takes: TimeSpan.FromMilliseconds(7));
        var session = new InterviewSession("s 1", Server);

        var answer = await _driver.TurnAsync(session, CancellationToken.None);

        Assert.True(answer.Ok);
        Assert.Equal(DriverStep.Turn, answer.Step);
        Assert.Equal(1.25, answer.ServerMs);
        Assert.Equal(0.5, answer.AiMs);
        Assert.Equal(TimeSpan.FromMilliseconds(7), answer.Client);
        Assert.Equal(3, session.QuestionNumber);
        Assert.Equal(1, session.Turns);
        Assert.False(session.Ended);
    }

    [Fact]
    public async Task NextTurnAsync_InterviewDone_StartsANewInterviewForTheNextTurn()
    {
        _script.Answer("/promptly/sessions", HttpStatusCode.OK, Started("a"), Started("b"));
        _script.Answer("/promptly/sessions/a/turns", HttpStatusCode.OK, Turn(10, done: true));
        _script.Answer("/promptly/sessions/b/turns", HttpStatusCode.OK, Turn(1, done: false));
        var slot = new InterviewSlot();

        var first = await _driver.NextTurnAsync(slot, CancellationToken.None);
        var second = await _driver.NextTurnAsync(slot, CancellationToken.None);

        Assert.Equal([DriverStep.Turn, DriverStep.Turn], [first.Step, second.Step]);
        Assert.Equal(["a", "b"], slot.Started.Select(s => s.Id));
        Assert.True(slot.Started[0].Ended);
        Assert.Equal(10, slot.Started[0].QuestionNumber);
        Assert.Equal(["POST /promptly/sessions", "POST /promptly/sessions/a/turns", "POST /promptly/sessions", "POST /promptly/sessions/b/turns"], _script.Requests);
    }

    [Fact]
    public async Task TurnAsync_Conflict_EndsTheSessionAndTheNextTurnStartsAnother()
    {
        _script.Answer("/promptly/sessions", HttpStatusCode.OK, Started("a"), Started("b"));
        _script.Answer("/promptly/sessions/a/turns", HttpStatusCode.Conflict, """{"title":"Conflict","status":409,"detail":"Session 'a' moved on."}""");
        _script.Answer("/promptly/sessions/b/turns", HttpStatusCode.OK, Turn(1, done: false));
        var slot = new InterviewSlot();

        var refused = await _driver.NextTurnAsync(slot, CancellationToken.None);
        var next = await _driver.NextTurnAsync(slot, CancellationToken.None);

        Assert.Equal(HttpStatusCode.Conflict, refused.Status);
        Assert.Equal("HTTP 409", refused.Error);
        Assert.Equal("Session 'a' moved on.", refused.Problem);
        Assert.True(slot.Started[0].Ended);
        Assert.True(next.Ok);
        Assert.Equal("b", slot.Session!.Id);
    }

    [Fact]
    public async Task NextTurnAsync_InterviewEndsAtItsGreeting_AnswersTheStartWithoutATurn()
    {
        _script.Answer("/promptly/sessions", HttpStatusCode.OK, Started("a", done: true));
        var slot = new InterviewSlot();

        var answer = await _driver.NextTurnAsync(slot, CancellationToken.None);

        Assert.Equal(DriverStep.Start, answer.Step);
        Assert.True(answer.Ok);
        Assert.True(slot.Session!.Ended);
        Assert.Equal(["POST /promptly/sessions"], _script.Requests);
    }

    [Fact]
    public async Task StartAsync_ErrorAnswer_GivesTheStatusAndDetailAndNoSession()
    {
        _script.Answer("/promptly/sessions", HttpStatusCode.BadRequest, """{"status":400,"detail":"There is no concept 'x'."}""");

        var (answer, session) = await _driver.StartAsync(CancellationToken.None);

        Assert.Null(session);
        Assert.Equal(HttpStatusCode.BadRequest, answer.Status);
        Assert.Equal("There is no concept 'x'.", answer.Problem);
        Assert.False(answer.HasLatency);
    }

    [Fact]
    public async Task StartAsync_AnswerWithoutAnId_IsNotPromptlys()
    {
        _script.Answer("/promptly/sessions", HttpStatusCode.OK, """{"message":"Hello"}""");

        await Assert.ThrowsAsync<InvalidDataException>(() => _driver.StartAsync(CancellationToken.None));
    }

    public void Dispose()
    {
        _http.Dispose();
        _script.Dispose();
    }

    /// <summary>Answers each path with its bodies in turn (the last one again once they run out), after advancing the clock.</summary>
    private sealed class Script(FakeTimeProvider time) : HttpMessageHandler
    {
        private readonly Dictionary<string, (HttpStatusCode Status, Queue<string> Bodies, TimeSpan Takes)> _answers = [];

        public List<string> Requests { get; } = [];

        public void Answer(string path, HttpStatusCode status, params string[] bodies) => _answers[path] = (status, new Queue<string>(bodies), TimeSpan.Zero);

        public void Answer(string path, HttpStatusCode status, string body, TimeSpan takes) => _answers[path] = (status, new Queue<string>([body]), takes);

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var path = request.RequestUri!.AbsolutePath;
            Requests.Add($"{request.Method} {path}");
            var (status, bodies, takes) = _answers[path];
            time.Advance(takes);
            var body = bodies.Count > 1 ? bodies.Dequeue() : bodies.Peek();
            return Task.FromResult(new HttpResponseMessage(status) { Content = new StringContent(body, Encoding.UTF8, "application/json") });
        }
    }
}
