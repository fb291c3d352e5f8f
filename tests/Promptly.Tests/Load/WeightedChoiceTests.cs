using Promptly.Load;

namespace Promptly.Tests.Load;

public sealed class WeightedChoiceTests
{
    [Fact]
    public void Pick_DefaultWeightsOverAFixedSeed_FollowsTheWeights()
    {
        var choice = new WeightedChoice([.. LoadScenario.Defaults.Select(s => s.Weight)]);
        var random = new Random(42);
        var counts = new int[3];

        for (var i = 0; i < 100_000; i++) counts[choice.Pick(random)]++;

        // 30/50/20 within half a percentage point (the binomial spread at n = 100,000 is about 0.15).
        Assert.InRange(counts[0] / 1000.0, 29.5, 30.5);
        Assert.InRange(counts[1] / 1000.0, 49.5, 50.5);
        Assert.InRange(counts[2] / 1000.0, 19.5, 20.5);
    }

    [Fact]
    public void Pick_SameSeed_GivesTheSameSequence()
    {
        var choice = new WeightedChoice([1, 2, 3]);
        var (a, b) = (new Random(7), new Random(7));

        Assert.Equal(Enumerable.Range(0, 1000).Select(_ => choice.Pick(a)), Enumerable.Range(0, 1000).Select(_ => choice.Pick(b)));
    }

    [Theory]
    [InlineData(0.0, 0)]
    [InlineData(0.2999, 0)]
    [InlineData(0.3, 1)]
    [InlineData(0.7999, 1)]
    [InlineData(0.8, 2)]
    [InlineData(0.99999, 2)]
    public void Pick_Boundaries_FallToTheNextScenario(double uniform, int expected)
    {
        Assert.Equal(expected, new WeightedChoice([30, 50, 20]).Pick(uniform));
    }

    [Fact]
    public void Pick_ZeroWeight_IsNeverChosen()
    {
        var choice = new WeightedChoice([0, 1, 0, 1, 0]);
        var random = new Random(3);

        var picked = Enumerable.Range(0, 10_000).Select(_ => choice.Pick(random)).Distinct().Order();

        Assert.Equal([1, 3], picked);
        Assert.Equal(1, choice.Pick(0.0));
        Assert.Equal(3, choice.Pick(0.5));
    }
}
