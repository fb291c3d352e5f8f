using Microsoft.Extensions.Time.Testing;
using Promptly.Load.Voice;

namespace Promptly.Tests.Load.Voice;

public sealed class FramePacerTests
{
    /// <summary>Counts the frames it is handed and says when a count is reached, so a test waits for the event, not for time.</summary>
    private sealed class CountingStream : IPacedStream
    {
        private readonly List<(int Count, TaskCompletionSource Reached)> _waits = [];
        private int _frames;

        public int Frames
        {
            get
            {
                lock (_waits) return _frames;
            }
        }

        public void Tick(int frames)
        {
            lock (_waits)
            {
                _frames += frames;
                foreach (var wait in _waits.Where(w => _frames >= w.Count)) wait.Reached.TrySetResult();
            }
        }

        /// <summary>Completes once <paramref name="count"/> frames have come; the pacer's loop runs on the thread pool after the fake timer fires.</summary>
        public Task ReachedAsync(int count)
        {
            lock (_waits)
            {
                if (_frames >= count) return Task.CompletedTask;
                var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                _waits.Add((count, reached));
                return reached.Task.WaitAsync(TimeSpan.FromSeconds(60));
            }
        }
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
        await stream.ReachedAsync(1);
        time.Advance(TimeSpan.FromMilliseconds(100));
        await stream.ReachedAsync(6);

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
        await Task.WhenAll(removed.ReachedAsync(1), kept.ReachedAsync(1));

        pacer.Remove(removed);
        time.Advance(TimeSpan.FromMilliseconds(20));
        await kept.ReachedAsync(2);

        Assert.Equal(1, removed.Frames);
        await stop.CancelAsync();
        await running;
    }
}
