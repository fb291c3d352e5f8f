using Promptly.Load;

namespace Promptly.Tests.Load;

public sealed class LoadPhaseTests
{
    [Fact]
    public void ParseList_DefaultPhases_GivesWarmUpSustainedAndPeak()
    {
        var phases = LoadPhase.ParseList(LoadPhase.DefaultPhases);

        Assert.Equal(
            [new LoadPhase("warm-up", TimeSpan.FromSeconds(10), 10), new LoadPhase("sustained", TimeSpan.FromSeconds(30), 50), new LoadPhase("peak", TimeSpan.FromSeconds(10), 100)],
            phases);
        Assert.Equal([100L, 1500L, 1000L], phases.Select(p => p.RequestCount));
    }

    [Fact]
    public void ParseList_NoNames_NamesThePhasesByPosition()
    {
        var phases = LoadPhase.ParseList("10s@10,30s@50");

        Assert.Equal(["phase1", "phase2"], phases.Select(p => p.Name));
        Assert.Equal([10.0, 30.0], phases.Select(p => p.Duration.TotalSeconds));
        Assert.Equal([10.0, 50.0], phases.Select(p => p.Rate));
    }

    [Fact]
    public void ParseList_SomeNamed_NamesTheOthersByPosition()
    {
        var phases = LoadPhase.ParseList("ramp:5s@10,30s@50");

        Assert.Equal(["ramp", "phase2"], phases.Select(p => p.Name));
    }

    [Theory]
    [InlineData("a:500ms@10/s", 0.5, 10)]
    [InlineData("a:2m@0.5", 120, 0.5)]
    [InlineData("a:1.5@4", 1.5, 4)]
    [InlineData(" a : 1h @ 1 ", 3600, 1)]
    public void ParseList_UnitsAndSpaces_AreRead(string text, double seconds, double rate)
    {
        var phase = Assert.Single(LoadPhase.ParseList(text));

        Assert.Equal(TimeSpan.FromSeconds(seconds), phase.Duration);
        Assert.Equal(rate, phase.Rate);
    }

    [Theory]
    [InlineData("", "is empty")]
    [InlineData("warm-up:10s", "is not [name:]duration@rate")]
    [InlineData("10s", "is not [name:]duration@rate")]
    [InlineData("10s@1,phase1:10s@2", "'phase1' is used twice")]
    [InlineData("a:10x@5", "must look like 500ms, 10s, 2m or 1h")]
    [InlineData("a:10s@fast", "must be a number of requests per second")]
    [InlineData("a:10s@0", "rate must be more than 0")]
    [InlineData("a:10s@200000", "at most 100000/s")]
    [InlineData("a:0s@10", "must last more than 0 s")]
    [InlineData("a:100ms@5", "sends no request")]
    [InlineData("a:10s@1,a:10s@2", "'a' is used twice")]
    [InlineData("a:40m@1,b:40m@1", "at most 60 min in all")]
    [InlineData("a b:1s@1", "must be letters, digits")]
    [InlineData("a:9999999h@1", "at most 1 h")]
    public void ParseList_BadPhase_ThrowsInvalidNamingTheProblem(string text, string message)
    {
        var e = Assert.Throws<CommandException>(() => LoadPhase.ParseList(text));

        Assert.Equal(ExitCodes.Usage, e.ExitCode);
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void IntendedOffsets_TenPerSecond_AreEvenlySpacedFromZero()
    {
        var offsets = OpenSchedule.IntendedOffsets(new LoadPhase("a", TimeSpan.FromSeconds(1), 10)).ToList();

        Assert.Equal(Enumerable.Range(0, 10).Select(i => TimeSpan.FromMilliseconds(100 * i)), offsets);
    }

    [Fact]
    public void IntendedTimestamp_LateIndex_DoesNotDriftWithTheIndex()
    {
        // Computed from the phase start, not by adding intervals: request 2,999,999 at 1,000/s is at 2,999.999 s exactly.
        var at = OpenSchedule.IntendedTimestamp(phaseStart: 5_000, index: 2_999_999, rate: 1_000, frequency: 1_000_000_000);

        Assert.Equal(5_000 + 2_999_999_000_000L, at);
    }

    [Fact]
    public void StressSteps_FromStartToMax_RiseByTheStep()
    {
        var steps = new StressSettings(50, 25, TimeSpan.FromSeconds(5), 120).Steps();

        Assert.Equal(["step-1", "step-2", "step-3"], steps.Select(s => s.Name));
        Assert.Equal([50.0, 75.0, 100.0], steps.Select(s => s.Rate));
        Assert.All(steps, s => Assert.Equal(TimeSpan.FromSeconds(5), s.Duration));
    }
}
