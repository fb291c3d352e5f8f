using Promptly.Load;

namespace Promptly.Tests.Load;

public sealed class ScenarioFileTests
{
    [Fact]
    public void Parse_Yaml_ReadsScenariosAndPhases()
    {
        var file = ScenarioFile.Parse("""
            # turns-heavy mix
            scenarios:
              - name: start
                kind: create_interview
                weight: 10
              - { name: answer, kind: take_turn, weight: 85.5 }
              - { name: ping, kind: health, weight: 4.5 }
            phases:
              - { name: ramp, duration: 5s, rate: 20 }
              - { name: hold, duration: 60, rate: 40 }
            """, "mix.yaml");

        Assert.Equal(
            [new LoadScenario("start", ScenarioKind.CreateInterview, 10), new LoadScenario("answer", ScenarioKind.TakeTurn, 85.5), new LoadScenario("ping", ScenarioKind.Health, 4.5)],
            file.Scenarios);
        Assert.Equal([new LoadPhase("ramp", TimeSpan.FromSeconds(5), 20), new LoadPhase("hold", TimeSpan.FromSeconds(60), 40)], file.Phases);
    }

    [Fact]
    public void Parse_JsonWithoutPhases_ReadsScenariosAndLeavesPhasesUnset()
    {
        var file = ScenarioFile.Parse("""
            {"scenarios": [{"name": "read", "kind": "get_interview", "weight": 3}, {"kind": "create_interview"}]}
            """, "mix.json");

        Assert.Equal([new LoadScenario("read", ScenarioKind.GetInterview, 3), new LoadScenario("create_interview", ScenarioKind.CreateInterview, 1)], file.Scenarios);
        Assert.Null(file.Phases);
    }

    [Theory]
    [InlineData("scenarios: []", "has no scenarios")]
    [InlineData("scenarios:\n  - { name: a, kind: delete_everything }", "kind 'delete_everything'")]
    [InlineData("scenarios:\n  - { name: a, kind: health, weigth: 3 }", "is not valid")]
    [InlineData("scenarios:\n  - { name: a, kind: health, weight: -1 }", "weight must be 0 or more")]
    [InlineData("scenarios:\n  - { name: a, kind: health, weight: 0 }", "add up to 0")]
    [InlineData("scenarios:\n  - { name: a, kind: health }\n  - { name: a, kind: health }", "'a' is used twice")]
    [InlineData("scenarios:\n  - { name: a, kind: health }\nphases:\n  - { name: p, duration: 5s }", "has no rate")]
    [InlineData("scenarios:\n  - { name: a, kind: health }\nphases:\n  - { name: p, rate: 5 }", "needs a duration")]
    [InlineData("{\"scenarios\": [", "is not valid")]
    [InlineData("scenarios: [ {", "is not valid")]
    public void Parse_BadFile_ThrowsInvalidNamingTheProblem(string text, string message)
    {
        var e = Assert.Throws<CommandException>(() => ScenarioFile.Parse(text, "bad.yaml"));

        Assert.Equal(ExitCodes.Usage, e.ExitCode);
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void Read_MissingFile_ThrowsInvalid()
    {
        var e = Assert.Throws<CommandException>(() => ScenarioFile.Read(Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N") + ".yaml")));

        Assert.Equal(ExitCodes.Usage, e.ExitCode);
        Assert.Contains("does not exist", e.Message);
    }
}
