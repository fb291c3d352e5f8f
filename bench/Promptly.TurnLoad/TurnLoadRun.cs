using System.Threading.Channels;
using HdrHistogram;
using Promptly.Load;

namespace Promptly.TurnLoad;

/// <summary>
/// A closed-loop run: each connection takes a free session slot, sends its next turn through the shared
/// <see cref="InterviewDriver"/>, waits for the answer and puts the slot back. A slot whose interview ended (or whose
/// turn the server refused with 409) gets a new interview from the driver. Latency is measured per request from the
/// moment it is sent (in a closed loop the intended send time is the actual one, so no wait hides behind a slow
/// answer). Only the measured window after the warm-up counts; the run stops by itself after warm-up plus duration.
/// </summary>
internal sealed class TurnLoadRun(TurnLoadOptions options, HttpClient http)
{
    private readonly InterviewDriver _driver = new(http, options.Server, options.Concept, "load", TimeProvider.System);
    private readonly Channel<InterviewSlot> _free = Channel.CreateUnbounded<InterviewSlot>();
    private readonly List<InterviewSlot> _slots = [];
    private readonly MeasuredWindow _window = new(options);

    public async Task<TurnLoadResult> RunAsync()
    {
        for (var i = 0; i < options.Sessions; i++)
        {
            var slot = new InterviewSlot();
            _slots.Add(slot);
            _free.Writer.TryWrite(slot);
        }

        Console.Error.WriteLine($"warm-up {options.Warmup.TotalSeconds:0}s, then measuring {options.Duration.TotalSeconds:0}s " +
                                $"({options.Connections} connections, {options.Sessions} sessions, {options.Server})");
        var (tallies, elapsed) = await _window.RunAsync(WorkAsync);

        var total = WorkerTally.Merge(tallies);
        var acknowledged = _slots.SelectMany(s => s.Started).Select(s => new Acknowledged(s.Id, s.QuestionNumber)).ToList();
        return new TurnLoadResult(options, elapsed, total, acknowledged);
    }

    private async Task<WorkerTally> WorkAsync(CancellationToken stop)
    {
        var tally = new WorkerTally();
        while (!stop.IsCancellationRequested)
        {
            var slot = await _free.Reader.ReadAsync(CancellationToken.None);
            string? error;
            try
            {
                var interviews = slot.Started.Count;
                var answer = await _driver.NextTurnAsync(slot, CancellationToken.None);
                if (_window.Measuring) tally.Sessions += slot.Started.Count - interviews;
                error = answer.Error ?? (answer.Step == DriverStep.Start ? "ended at greeting" : null);
                if (error is null && _window.Measuring)
                {
                    tally.Record((long)answer.Client.TotalMicroseconds, answer.ServerMs, answer.ServerMs - answer.AiMs);
                }
            }
            catch (Exception e) when (RequestErrors.KindOf(e, CancellationToken.None) is { } kind)
            {
                error = kind;
            }
            finally
            {
                _free.Writer.TryWrite(slot);
            }

            if (error is not null)
            {
                tally.CountError(error);
                await Task.Delay(10, CancellationToken.None);
            }
        }

        return tally;
    }
}

/// <summary>One connection's counts and histograms (µs), merged once at the end so the loop shares nothing.</summary>
internal sealed class WorkerTally
{
    private const long Highest = 60_000_000;

    public LongHistogram Client { get; } = new(Highest, 3);
    public LongHistogram Server { get; } = new(Highest, 3);
    public LongHistogram Overhead { get; } = new(Highest, 3);
    public Dictionary<string, long> Errors { get; } = [];
    public long Turns;
    public long Sessions;

    public void Record(long clientMicros, double serverMs, double overheadMs)
    {
        Turns++;
        Client.RecordValue(Math.Clamp(clientMicros, 1, Highest));
        Server.RecordValue(Math.Clamp((long)(serverMs * 1000), 1, Highest));
        Overhead.RecordValue(Math.Clamp((long)(overheadMs * 1000), 1, Highest));
    }

    public void CountError(string kind) => Errors[kind] = Errors.GetValueOrDefault(kind) + 1;

    public static WorkerTally Merge(IEnumerable<WorkerTally> tallies)
    {
        var total = new WorkerTally();
        foreach (var t in tallies)
        {
            total.Turns += t.Turns;
            total.Sessions += t.Sessions;
            total.Client.Add(t.Client);
            total.Server.Add(t.Server);
            total.Overhead.Add(t.Overhead);
            foreach (var (kind, count) in t.Errors) total.Errors[kind] = total.Errors.GetValueOrDefault(kind) + count;
        }

        return total;
    }
}
