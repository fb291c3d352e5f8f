using Microsoft.Extensions.Time.Testing;

namespace Promptly.Tests.Support;

/// <summary>
/// A <see cref="FakeTimeProvider"/> that tells when a timer has been armed. Code that resumes on the thread pool arms
/// its next timer at a moment the test cannot see; advancing the clock before that would start the wait late. A test
/// awaits <see cref="ArmedAsync"/> first, so the clock moves only once the code is waiting on it.
/// </summary>
public sealed class ObservedTimeProvider : FakeTimeProvider
{
    private readonly object _gate = new();
    private readonly Dictionary<TimeSpan, int> _armed = [];
    private readonly Dictionary<TimeSpan, int> _claimed = [];
    private readonly List<(TimeSpan Due, int Count, TaskCompletionSource Signal)> _waiting = [];

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = base.CreateTimer(callback, state, dueTime, period);
        // A periodic timer is armed once, when a background service starts (say, an indexer every second); the waits
        // a test steps through are one-shot (delays and timeouts), and a periodic timer of the same period must not
        // stand in for one of them.
        if (period != Timeout.InfiniteTimeSpan) return timer;
        List<TaskCompletionSource> ready = [];
        lock (_gate)
        {
            var count = _armed[dueTime] = _armed.GetValueOrDefault(dueTime) + 1;
            _waiting.RemoveAll(w =>
            {
                if (w.Due != dueTime || w.Count > count) return false;
                ready.Add(w.Signal);
                return true;
            });
        }

        foreach (var signal in ready) signal.TrySetResult();
        return timer;
    }

    /// <summary>Completes once one more one-shot timer due <paramref name="dueTime"/> from its creation has been created than earlier calls waited for.</summary>
    public Task ArmedAsync(TimeSpan dueTime)
    {
        lock (_gate)
        {
            var count = _claimed[dueTime] = _claimed.GetValueOrDefault(dueTime) + 1;
            if (_armed.GetValueOrDefault(dueTime) >= count) return Task.CompletedTask;
            var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiting.Add((dueTime, count, signal));
            return signal.Task;
        }
    }
}
