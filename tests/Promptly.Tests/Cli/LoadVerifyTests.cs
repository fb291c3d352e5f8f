using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Promptly.Load;
using Promptly.Tests.Support;

namespace Promptly.Tests.Cli;

/// <summary>
/// <c>promptly load --verify</c>: every session the server acknowledged is read back, and a turn it acknowledged but
/// did not store is found, whether the interview ended there or went on past it.
/// </summary>
[Collection(TimingSensitive.Name)]
public sealed class LoadVerifyTests
{
    private const string TurnsOnly = "scenarios:\n  - { name: take_turn, kind: take_turn, weight: 1 }\n";

    // Latency is not what these runs check: a budget no busy machine misses keeps the exit code about storage.
    private static string[] Run(params string[] more) =>
        ["http://localhost", "--connections", "4", "--duration", "1s", "--sessions", "8", "--p95-budget-ms", "600000", "--no-cross-check",
         "--scenarios", LoadCommandRun.TempFile(TurnsOnly, ".yaml"), "--verify", .. more];

    [Fact]
    public async Task Verify_AgainstTheServer_ReadsBackEveryAcknowledgedTurn()
    {
        await using var factory = new PromptlyFactory();
        var output = Path.Combine(Path.GetTempPath(), "promptly-tests", Guid.NewGuid().ToString("N"), "results.json");

        var run = await LoadCommandRun.RunAsync(factory.Server.CreateHandler(), Run("--output", output));

        run.AssertOk();
        Assert.Contains("VERIFIED: every acknowledged turn is stored once and in order", run.Output);
        var verification = JsonNode.Parse(await File.ReadAllTextAsync(output))!["verification"]!;
        var turns = verification["acknowledged_turns"]!.GetValue<long>();
        Assert.True(turns > 0, "the run took turns");
        // Nothing timed out, so the server holds exactly what it acknowledged.
        Assert.Equal(turns, verification["stored_turns"]!.GetValue<long>());
        Assert.True(verification["sessions"]!.GetValue<int>() >= 8);
        Assert.Equal(0, verification["problem_sessions"]!.GetValue<int>());
        Assert.Contains("VERIFIED", await File.ReadAllTextAsync(Path.ChangeExtension(output, ".md")));
    }

    [Fact]
    public async Task Verify_TurnAcknowledgedAndNotStored_ExitsFourNamingTheSession()
    {
        await using var factory = new PromptlyFactory();
        // Each session's third turn is answered by the "balancer" without reaching the server, as the interview's end.
        using var lossy = new LossyBalancer(factory.Server.CreateHandler(), turn => turn == 3 ? (3, Done: true) : null);

        var run = await LoadCommandRun.RunAsync(lossy, Run());

        run.AssertExit(ExitCodes.NotStored);
        Assert.Contains("VERIFY FAILED", run.Output);
        Assert.Matches(@"acknowledged up to question 3, stored up to 2", run.Output);
    }

    [Fact]
    public async Task Verify_TurnLostAndTheInterviewGoesOn_IsFoundWhenTheServerAnswersItsQuestionAgain()
    {
        await using var factory = new PromptlyFactory();
        // The second turn is acknowledged as question 2 and never stored: the server answers the next turn as
        // question 2 again, and the later turns would hide the loss from a read-back alone.
        using var lossy = new LossyBalancer(factory.Server.CreateHandler(), turn => turn == 2 ? (2, Done: false) : null);

        var run = await LoadCommandRun.RunAsync(lossy, Run());

        run.AssertExit(ExitCodes.NotStored);
        Assert.Contains("a turn was acknowledged as question 2 after question 2 had been", run.Output);
    }

    [Theory]
    [InlineData("0:interviewer:0 1:candidate:1 2:interviewer:1", 1, null)]
    [InlineData("0:interviewer:0 1:candidate:1 2:interviewer:1 3:candidate:2 4:interviewer:2", 1, null)]
    [InlineData("0:interviewer:0 1:candidate:1 2:interviewer:1", 2, "acknowledged up to question 2, stored up to 1")]
    [InlineData("0:interviewer:0 2:interviewer:1 1:candidate:1", 1, "line 1 is 2:interviewer:Q1, expected 1:candidate:Q1")]
    [InlineData("0:interviewer:0 1:candidate:1 2:interviewer:1 3:candidate:1", 1, "4 transcript lines for question 1")]
    [InlineData("0:interviewer:0 1:candidate:1 3:interviewer:1", 1, "line 2 is 3:interviewer:Q1, expected 2:interviewer:Q1")]
    [InlineData("0:interviewer:0 1:candidate:2 2:interviewer:1", 1, "line 1 is 1:candidate:Q2")]
    public void Problem_ChecksCountOrderAndNumbering(string lines, int acknowledged, string? problem)
    {
        var entries = lines.Split(' ').Select(l => l.Split(':')).Select(p => new TranscriptEntry(int.Parse(p[0]), p[1], int.Parse(p[2]))).ToList();
        var stored = new StoredTranscript((entries.Count - 1) / 2, entries);

        var found = StoredCheck.Problem("s1", acknowledged, stored);

        if (problem is null) Assert.Null(found);
        else Assert.Contains(problem, found);
    }

    [Fact]
    public void Problem_SessionTheServerDoesNotHave_IsNotFound() =>
        Assert.Contains("not found", StoredCheck.Problem("s1", 0, new StoredTranscript(-1, [])));

    /// <summary>
    /// Passes everything to the server except the turns <c>fake</c> picks (by the session's turn count): those it
    /// answers 200 itself with the question number and end it gives, as a broken balancer or server that acknowledges
    /// without storing would.
    /// </summary>
    private sealed class LossyBalancer(HttpMessageHandler server, Func<int, (int Question, bool Done)?> fake) : DelegatingHandler(server)
    {
        private readonly Dictionary<string, int> _turns = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var path = request.RequestUri!.AbsolutePath;
            if (request.Method == HttpMethod.Post && path.EndsWith("/turns", StringComparison.Ordinal))
            {
                var session = path.Split('/')[2];
                int turn;
                lock (_turns) turn = _turns[session] = _turns.GetValueOrDefault(session) + 1;
                if (fake(turn) is { } answer)
                {
                    var body = $$"""{"session_id":"{{session}}","message":"Thanks.","question_number":{{answer.Question}},"done":{{(answer.Done ? "true" : "false")}},"latency":{"response_time_ms":1} }""";
                    return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
                }
            }

            return await base.SendAsync(request, cancellationToken);
        }
    }
}
