using Microsoft.Extensions.Time.Testing;
using Promptly.Load.Voice;

namespace Promptly.Tests.Load.Voice;

public sealed class FramePacerTests
{
    private sealed class CountingStream : IPacedStream
    {
        private int _frames;

        public int Frames => Volatile.Read(ref _frames);

        public void Tick(int frames) => Interlocked.Add(ref _frames, frames);
    }

    private static async Task UntilAsync(Func<bool> condition)
    {
        // Not a timing assertion: the pacer's loop runs its continuation on the thread pool after the fake timer fires.
        for (var i = 0; i < 500 && !condition(); i++) await Task.Delay(10);
    }

    [Fact]
    public async Task RunAsync_LateTick_HandsOverEveryFrameThatCameDue()
    {
        var time = new FakeTimeProvider();
        var pacer = new FramePacer(time, 20);
        var stream = new CountingStream();
        pacer.Add(stream);
        using var stop = new CancellationTokenSource();
        var running = pacer.RunAsync(stop.Token);

        time.Advance(TimeSpan.FromMilliseconds(20));
        await UntilAsync(() => stream.Frames == 1);
        time.Advance(TimeSpan.FromMilliseconds(100));
        await UntilAsync(() => stream.Frames == 6);

        Assert.Equal(6, stream.Frames);
        await stop.CancelAsync();
        await running;
    }

    [Fact]
    public async Task RunAsync_RemovedStream_GetsNoMoreFrames()
    {
        var time = new FakeTimeProvider();
        var pacer = new FramePacer(time, 20);
        var (kept, removed) = (new CountingStream(), new CountingStream());
        pacer.Add(kept);
        pacer.Add(removed);
        using var stop = new CancellationTokenSource();
        var running = pacer.RunAsync(stop.Token);
        time.Advance(TimeSpan.FromMilliseconds(20));
        await UntilAsync(() => removed.Frames == 1 && kept.Frames == 1);

        pacer.Remove(removed);
        time.Advance(TimeSpan.FromMilliseconds(20));
        await UntilAsync(() => kept.Frames == 2);

        Assert.Equal(1, removed.Frames);
        await stop.CancelAsync();
        await running;
    }
}
