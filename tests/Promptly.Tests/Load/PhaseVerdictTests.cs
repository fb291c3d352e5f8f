using Promptly.Load;

namespace Promptly.Tests.Load;

/// <summary>The one judgement of a phase: errors, a scenario's p95 over the budget, a rate not held.</summary>
public sealed class PhaseVerdictTests
{
    private static readonly TimeSpan OneSecond = TimeSpan.FromSeconds(1);

    private static LoadSettings Settings(double rate, double budgetMs = 100) => new(
        new Uri("http://localhost/"), rate > 0 ? LoadMode.Open : LoadMode.Closed, [new LoadPhase("p", OneSecond, rate)],
        [new LoadScenario("fast", ScenarioKind.Health, 1), new LoadScenario("slow", ScenarioKind.Health, 1)],
        0, "software_engineer_practice", 0, 8, TimeSpan.FromSeconds(30), budgetMs, 1, null, false);

    private static LoadRecorder Recorded(long fastMicros, long slowMicros)
    {
        var recorder = new LoadRecorder(2, 1);
        for (var i = 0; i < 20; i++)
        {
            recorder[0, 0].Succeeded(fastMicros, fastMicros, double.NaN);
            recorder[1, 0].Succeeded(slowMicros, slowMicros, double.NaN);
        }

        recorder.Harvest();
        return recorder;
    }

    [Fact]
    public void Of_EveryScenarioWithinBudget_IsKept()
    {
        var verdict = PhaseVerdict.Of(Settings(rate: 40), Recorded(1_000, 90_000), 0, OneSecond, slotsRanOut: true);

        Assert.True(verdict.WithinBudget);
        Assert.Null(verdict.MissedBecause);
    }

    [Fact]
    public void Of_OneScenarioOverTheBudget_IsMissedNamingIt()
    {
        var verdict = PhaseVerdict.Of(Settings(rate: 40), Recorded(1_000, 150_000), 0, OneSecond, slotsRanOut: true);

        Assert.False(verdict.WithinBudget);
        Assert.Equal("slow: p95 150 ms > 100 ms", verdict.MissedBecause);
    }

    [Fact]
    public void Of_AnError_IsMissedWhateverTheLatency()
    {
        var recorder = Recorded(1_000, 1_000);
        recorder[0, 0].Failed("HTTP 500");
        recorder[0, 0].Failed("HTTP 500");
        recorder[0, 0].Failed("timeout");

        var verdict = PhaseVerdict.Of(Settings(rate: 40), recorder, 0, OneSecond, slotsRanOut: true);

        Assert.Equal("fast: 3 errors (HTTP 500 ×2, timeout ×1)", verdict.MissedBecause);
    }

    [Fact]
    public void Of_PhaseThatRanLongPastItsEnd_DidNotHoldItsRate()
    {
        var verdict = PhaseVerdict.Of(Settings(rate: 40), Recorded(1_000, 1_000), 0, TimeSpan.FromSeconds(2), slotsRanOut: true);

        Assert.False(verdict.WithinBudget);
        Assert.Contains("could be started on time", verdict.MissedBecause);
    }

    [Fact]
    public void Of_PhaseLateWithSlotsFree_IsKept()
    {
        // The generator stalled (a busy machine), not the server: every slot was free the whole time.
        var verdict = PhaseVerdict.Of(Settings(rate: 40), Recorded(1_000, 1_000), 0, TimeSpan.FromSeconds(2), slotsRanOut: false);

        Assert.True(verdict.WithinBudget);
    }

    [Fact]
    public void Of_PhaseALittleLate_IsStillKept()
    {
        var verdict = PhaseVerdict.Of(Settings(rate: 40), Recorded(1_000, 1_000), 0, TimeSpan.FromSeconds(1.4), slotsRanOut: true);

        Assert.True(verdict.WithinBudget);
    }

    [Fact]
    public void Of_ClosedPhase_HasNoRateToHold()
    {
        var verdict = PhaseVerdict.Of(Settings(rate: 0), Recorded(1_000, 1_000), 0, TimeSpan.FromSeconds(10), slotsRanOut: true);

        Assert.True(verdict.WithinBudget);
    }
}
