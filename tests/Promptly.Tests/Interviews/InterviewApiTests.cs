using System.Net;
using Promptly.Tests.Support;

namespace Promptly.Tests.Interviews;

public sealed class InterviewApiTests : ApiTestBase
{

    /// <summary>Answers that give a reason at length, so each covers the element it answers.</summary>
    public static readonly string[] ThoroughAnswers =
    [
        "I have worked as a backend developer for six years because I love building reliable systems.",
        "I am proud of our payment service rewrite because it cut failures by half, which means fewer angry customers.",
        "The hardest bug was a race in our cache, and I found it by adding tracing because the logs said nothing useful.",
        "I chose a queue over direct calls because it lets each service fail on its own without taking the others down.",
        "I write tests first for tricky logic because it keeps the design simple and helps me refactor safely later.",
        "In reviews I ask questions rather than demand changes because people learn more and feel respected that way.",
        "Under a deadline I cut scope early because shipping something solid beats shipping everything half done.",
        "When my team disagreed I set up a short design review because data settles arguments faster than opinions.",
        "I learned Rust last year by porting a small tool because doing real work teaches me much more than reading.",
        "I want this role because the team ships to real users often, which means I get to see my impact quickly.",
    ];

    [Fact]
    public async Task Health_WithDatabase_ReportsOk()
    {
        var health = await Client.GetJsonAsync("/health");
        Assert.Equal("ok", health["status"]!.GetValue<string>());
        Assert.Equal("ok", health["database"]!.GetValue<string>());
    }

    [Fact]
    public async Task Concepts_BuiltIn_ListsThreeGuides()
    {
        using var response = await Client.GetAsync("/concepts");
        var text = await response.Content.ReadAsStringAsync();
        Assert.Contains("\"oat_milk_v1\"", text);
        Assert.Contains("\"software_engineer_practice\"", text);
        Assert.Contains("\"screening\"", text);
    }

    [Fact]
    public async Task StartSession_OnlyConceptId_GreetsWithFirstQuestionAndLatency()
    {
        var session = await Client.PostJsonAsync("/sessions", new { concept_id = "oat_milk_v1" });
        Assert.Equal("oat_milk_v1", session["concept_id"]!.GetValue<string>());
        Assert.Equal("PRACTICE", session["interview_type"]!.GetValue<string>());
        Assert.Equal(0, session["question_number"]!.GetValue<int>());
        Assert.EndsWith("?", session["message"]!.GetValue<string>());
        var latency = session["latency"]!.AsObject();
        Assert.True(latency["response_time_ms"]!.GetValue<double>() > 0);
        Assert.Equal(2000, latency["threshold_ms"]!.GetValue<double>());
        Assert.False(latency["exceeded_threshold"]!.GetValue<bool>());
        Assert.Contains("persist", latency["phases"]!.AsObject().Select(p => p.Key));
    }

    [Fact]
    public async Task PracticeInterview_TenThoroughAnswers_ClosesAtQuestionTen()
    {
        var session = await Client.StartAsync("software_engineer_practice", candidate: "Ada");
        var id = session.Id();
        for (var i = 0; i < ThoroughAnswers.Length; i++)
        {
            var turn = await Client.TurnAsync(id, ThoroughAnswers[i]);
            Assert.Equal(i + 1, turn["question_number"]!.GetValue<int>());
            Assert.Equal(i == ThoroughAnswers.Length - 1, turn["done"]!.GetValue<bool>());
            var latency = turn["latency"]!.AsObject();
            var phases = latency["phases"]!.AsObject().Select(p => p.Key).ToList();
            Assert.Equal(["load", "extract", "ai", "persist"], phases);
            Assert.True(latency["response_time_ms"]!.GetValue<double>() >= latency["ai_processing_time_ms"]!.GetValue<double>());
        }

        var state = await Client.GetJsonAsync($"/sessions/{id}");
        Assert.Equal("completed", state["status"]!.GetValue<string>());
        Assert.Equal(21, state["transcript"]!.AsArray().Count);
        Assert.Equal(1.0, state["coverage"]!.GetValue<double>());
        await Client.TurnAsync(id, "One more thing.", HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Turn_ShortAnswer_ProbesSameElement()
    {
        var id = (await Client.StartAsync()).Id();
        var turn = await Client.TurnAsync(id, "The taste.");
        Assert.Equal("probe", turn["kind"]!.GetValue<string>());
        Assert.Equal("taste", turn["element_id"]!.GetValue<string>());
        var next = await Client.TurnAsync(id, "Because it reminds me of breakfast at my grandmother's house every weekend.");
        Assert.Equal("question", next["kind"]!.GetValue<string>());
        Assert.NotEqual("taste", next["element_id"]!.GetValue<string>());
    }

    [Fact]
    public async Task Turn_AnswerCoveringLaterElement_SkipsItsQuestion()
    {
        var id = (await Client.StartAsync()).Id();
        var elements = new List<string>();
        var answers = new[]
        {
            "It tastes creamy and I like it because the price is cheap, which means I can afford it every week.",
            "The texture is smooth because it is thick, which means it feels like real milk in coffee.",
        };
        foreach (var answer in answers)
        {
            elements.Add((await Client.TurnAsync(id, answer))["element_id"]?.GetValue<string>() ?? "");
        }

        Assert.DoesNotContain("price", elements);
    }

    [Fact]
    public async Task EndSession_ThenTurn_Conflicts()
    {
        var id = (await Client.StartAsync()).Id();
        var ended = await Client.PostJsonAsync($"/sessions/{id}/end", new { });
        Assert.Equal("ended", ended["status"]!.GetValue<string>());
        var problem = await Client.TurnAsync(id, "Hello there.", HttpStatusCode.Conflict);
        Assert.Equal(409, problem["status"]!.GetValue<int>());
    }

    [Fact]
    public async Task Turn_UnknownSession_NotFound() =>
        await Client.TurnAsync("nope", "hello", HttpStatusCode.NotFound);

    [Fact]
    public async Task Start_UnknownConcept_BadRequestListingKnownOnes()
    {
        var problem = await Client.PostJsonAsync("/sessions", new { concept_id = "nope" }, HttpStatusCode.BadRequest);
        Assert.Contains("oat_milk_v1", problem["detail"]!.GetValue<string>());
        Assert.Contains("oat_milk_v1", problem["known_concepts"]!.AsArray().Select(n => n!.GetValue<string>()));
    }

    [Theory]
    [InlineData("{\"concept_id\":")]
    [InlineData("not json")]
    [InlineData("")]
    [InlineData("{\"concept_id\": 5}")]
    [InlineData("{\"interview_type\":\"PRACTICE\"}")]
    [InlineData("{\"concept_id\":\"oat_milk_v1\",\"interview_type\":\"LIVE\"}")]
    [InlineData("[]")]
    [InlineData("null")]
    [InlineData("{\"concept_id\":\"oat_milk_v1\",\"candidate\":\"Ada\\u0000\"}")]
    public async Task Start_BadBody_BadRequestProblem(string body) =>
        await Client.PostRawAsync("/sessions", body, HttpStatusCode.BadRequest);

    [Theory]
    [InlineData("{}")]
    [InlineData("{\"user_input\":\"\"}")]
    [InlineData("{\"user_input\":\"   \"}")]
    [InlineData("{\"user_input\": 42}")]
    [InlineData("{\"user_input\": [\"a\"]}")]
    [InlineData("{\"user_input\":")]
    [InlineData("{\"user_input\":\"I like it\\u0000\"}")]
    public async Task Turn_BadBody_BadRequestAndNothingWritten(string body)
    {
        var id = (await Client.StartAsync()).Id();
        await Client.PostRawAsync($"/sessions/{id}/turns", body, HttpStatusCode.BadRequest);
        var state = await Client.GetJsonAsync($"/sessions/{id}");
        Assert.Equal(0, state["question_number"]!.GetValue<int>());
        Assert.Single(state["transcript"]!.AsArray());
    }

    [Fact]
    public async Task Turn_OversizedInput_BadRequestStatingLimit()
    {
        var id = (await Client.StartAsync()).Id();
        var problem = await Client.TurnAsync(id, new string('a', 4001), HttpStatusCode.BadRequest);
        Assert.Contains("4000", problem["detail"]!.GetValue<string>());
        await Client.TurnAsync(id, new string('a', 4000));
    }

    [Fact]
    public async Task Turn_BodyOverRequestLimit_PayloadTooLarge()
    {
        var id = (await Client.StartAsync()).Id();
        await Client.PostRawAsync($"/sessions/{id}/turns", $"{{\"user_input\":\"{new string('a', 2 * 1024 * 1024)}\"}}", HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task Turns_RacingOnOneSession_GetConsecutiveNumbersInOrder()
    {
        var id = (await Client.StartAsync("software_engineer_practice")).Id();
        var turns = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Client.TurnAsync(id, $"Answer {i}: I like it because it is good for me and my family.")));
        Assert.Equal(Enumerable.Range(1, 8), turns.Select(t => t["question_number"]!.GetValue<int>()).Order());
        var transcript = (await Client.GetJsonAsync($"/sessions/{id}"))["transcript"]!.AsArray();
        Assert.Equal(Enumerable.Range(0, 17), transcript.Select(m => m!["seq"]!.GetValue<int>()));
        var roles = transcript.Skip(1).Select(m => m!["role"]!.GetValue<string>()).ToList();
        Assert.All(roles.Where((_, i) => i % 2 == 0), r => Assert.Equal("candidate", r));
        Assert.All(roles.Where((_, i) => i % 2 == 1), r => Assert.Equal("interviewer", r));
    }
}
