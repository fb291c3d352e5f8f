using Promptly.Audio;

namespace Promptly.Tests.Audio;

public sealed class SampleRatesTests
{
    [Theory]
    [InlineData(8000, true)]
    [InlineData(16000, true)]
    [InlineData(24000, true)]
    [InlineData(48000, true)]
    [InlineData(44100, false)]
    [InlineData(22050, false)]
    [InlineData(0, false)]
    [InlineData(-16000, false)]
    public void IsAccepted_TheFourClientRates_OnlyThose(int rate, bool accepted) => Assert.Equal(accepted, SampleRates.IsAccepted(rate));

    [Fact]
    public void Accepted_ListsExactlyWhatIsAccepted_WithThePipelineRate()
    {
        Assert.All(SampleRates.Accepted, rate => Assert.True(SampleRates.IsAccepted(rate)));
        Assert.Contains(SampleRates.Pipeline, SampleRates.Accepted);
        Assert.Equal(4, SampleRates.Accepted.Count);
    }
}
