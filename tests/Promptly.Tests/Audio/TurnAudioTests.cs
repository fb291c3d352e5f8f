using System.Buffers;
using Promptly.Audio;

namespace Promptly.Tests.Audio;

public sealed class TurnAudioTests
{
    private static short[] Ramp(int from, int count) => [.. Enumerable.Range(from, count).Select(i => (short)i)];

    [Fact]
    public void Begin_WithinTheHistory_StartsTheTurnThereWithTheAudioSince()
    {
        using var audio = new TurnAudio(historySamples: 1000, capSamples: 100_000);
        audio.Append(Ramp(0, 3000));

        audio.Begin(2500);
        audio.Append(Ramp(3000, 100));

        Assert.Equal(2500, audio.StartSample);
        Assert.Equal(Ramp(2500, 600), audio.Span.ToArray());
    }

    [Fact]
    public void Begin_BeforeTheHistory_StartsAtItsOldestSample()
    {
        using var audio = new TurnAudio(historySamples: 1000, capSamples: 100_000);
        audio.Append(Ramp(0, 2999));

        audio.Begin(0);

        Assert.Equal(1999, audio.StartSample);
        Assert.Equal(Ramp(1999, 1000), audio.Span.ToArray());
    }

    [Fact]
    public void Append_NotRecording_KeepsOnlyTheHistory()
    {
        var pool = new CountingPool();
        using var audio = new TurnAudio(historySamples: 800, capSamples: 100_000, pool);

        for (var i = 0; i < 100; i++) audio.Append(new short[1000]);

        Assert.Equal(0, audio.Count);
        Assert.Equal(1, pool.Rented);
    }

    [Fact]
    public void Append_BeyondTheCap_NeverHoldsMore()
    {
        var pool = new CountingPool();
        using var audio = new TurnAudio(historySamples: 800, capSamples: 50_000, pool);
        audio.Begin(0);

        for (var i = 0; i < 200; i++)
        {
            audio.Append(Ramp(i, 1000));
            Assert.InRange(audio.Count, 0, 50_000);
            Assert.InRange(pool.LargestRequest, 0, 50_000);
        }

        Assert.Equal(50_000, audio.Count);
        Assert.Equal(Ramp(0, 1000), audio.Span[..1000].ToArray());
    }

    [Fact]
    public void ClearAndDispose_GiveEveryArrayBack()
    {
        var pool = new CountingPool();
        var audio = new TurnAudio(historySamples: 800, capSamples: 200_000, pool);
        audio.Begin(0);
        for (var i = 0; i < 100; i++) audio.Append(new short[1000]);
        audio.End();
        audio.Append(new short[1000]);
        Assert.Equal(100_000, audio.Count);

        audio.Clear();
        Assert.Equal(0, audio.Count);
        Assert.Equal(pool.Rented - 1, pool.Returned);
        audio.Begin(0);
        audio.Append(new short[20_000]);
        audio.Dispose();

        Assert.Equal(pool.Rented, pool.Returned);
        Assert.Throws<ObjectDisposedException>(() => audio.Append(new short[1]));
    }

    /// <summary>An array pool that counts what goes out and comes back.</summary>
    private sealed class CountingPool : ArrayPool<short>
    {
        public int Rented;
        public int Returned;
        public int LargestRequest;

        public override short[] Rent(int minimumLength)
        {
            Rented++;
            LargestRequest = Math.Max(LargestRequest, minimumLength);
            return new short[minimumLength];
        }

        public override void Return(short[] array, bool clearArray = false) => Returned++;
    }
}
