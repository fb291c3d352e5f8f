using HdrHistogram;
using Promptly.Latency;

namespace Promptly.Load;

/// <summary>
/// What one scenario did in one phase: latency of the successful requests measured from their intended send time,
/// the server's own response time where it reported one, failures by kind, and requests skipped for want of a session.
/// </summary>
/// <remarks>
/// Recording is thread-safe and wait-free for latencies (HdrHistogram <see cref="Recorder"/>s); failures take a lock
/// (they are rare, and when they are not the run is failing anyway). <see cref="Harvest"/> and the totals it feeds
/// belong to one reader at a time: <see cref="LoadRecorder"/> serialises them.
/// </remarks>
internal sealed class LoadCell
{
    private readonly Recorder _client = LatencyHistograms.CreateRecorder();
    private readonly Recorder _server = LatencyHistograms.CreateRecorder();
    private readonly Recorder _service = LatencyHistograms.CreateRecorder();
    private readonly Dictionary<string, long> _errors = new(StringComparer.Ordinal);
    private HistogramBase? _clientScratch;
    private HistogramBase? _serverScratch;
    private HistogramBase? _serviceScratch;
    private long _skipped;
    private long _errorCount;

    /// <summary>Successful requests' latency (µs from intended send to the last byte), up to the last harvest.</summary>
    public LongHistogram Client { get; } = LatencyHistograms.Create();

    /// <summary>The server's <c>latency.response_time_ms</c> of the same requests (µs), up to the last harvest.</summary>
    public LongHistogram Server { get; } = LatencyHistograms.Create();

    /// <summary>The same requests' latency from their actual send (µs): without the generator's scheduling lag.</summary>
    public LongHistogram Service { get; } = LatencyHistograms.Create();

    public long Skipped => Interlocked.Read(ref _skipped);

    public long ErrorCount => Interlocked.Read(ref _errorCount);

    public void Succeeded(long micros, long serviceMicros, double serverMs)
    {
        _client.RecordValue(Math.Clamp(micros, 1, LatencyHistograms.HighestTrackableMicroseconds));
        _service.RecordValue(Math.Clamp(serviceMicros, 1, LatencyHistograms.HighestTrackableMicroseconds));
        if (double.IsFinite(serverMs)) _server.RecordValue(Math.Clamp((long)Math.Round(serverMs * 1000), 1, LatencyHistograms.HighestTrackableMicroseconds));
    }

    public void Failed(string kind)
    {
        lock (_errors) _errors[kind] = _errors.GetValueOrDefault(kind) + 1;
        Interlocked.Increment(ref _errorCount);
    }

    public void Skip() => Interlocked.Increment(ref _skipped);

    public Dictionary<string, long> Errors()
    {
        lock (_errors) return new Dictionary<string, long>(_errors, StringComparer.Ordinal);
    }

    /// <summary>Moves what was recorded since the last harvest into <see cref="Client"/> and <see cref="Server"/>.</summary>
    internal void Harvest()
    {
        _clientScratch = _client.GetIntervalHistogram(_clientScratch);
        Client.Add(_clientScratch);
        _serverScratch = _server.GetIntervalHistogram(_serverScratch);
        Server.Add(_serverScratch);
        _serviceScratch = _service.GetIntervalHistogram(_serviceScratch);
        Service.Add(_serviceScratch);
    }
}

/// <summary>Every <see cref="LoadCell"/> of a run (scenario × phase) and the generator's own scheduling lag per phase.</summary>
internal sealed class LoadRecorder
{
    private readonly LoadCell[,] _cells;
    private readonly Recorder[] _lag;
    private readonly HistogramBase?[] _lagScratch;
    private readonly long[] _scheduled;

    public LoadRecorder(int scenarios, int phases)
    {
        _cells = new LoadCell[scenarios, phases];
        for (var s = 0; s < scenarios; s++)
        {
            for (var p = 0; p < phases; p++) _cells[s, p] = new LoadCell();
        }

        _lag = [.. Enumerable.Range(0, phases).Select(_ => LatencyHistograms.CreateRecorder())];
        _lagScratch = new HistogramBase?[phases];
        Lag = [.. Enumerable.Range(0, phases).Select(_ => LatencyHistograms.Create())];
        _scheduled = new long[phases];
    }

    public int Scenarios => _cells.GetLength(0);

    public int Phases => _cells.GetLength(1);

    public LoadCell this[int scenario, int phase] => _cells[scenario, phase];

    /// <summary>Per phase: how late requests were sent after their intended time (µs), up to the last harvest.</summary>
    public LongHistogram[] Lag { get; }

    /// <summary>Requests the schedule called for in <paramref name="phase"/> so far.</summary>
    public long Scheduled(int phase) => Interlocked.Read(ref _scheduled[phase]);

    public void CountScheduled(int phase) => Interlocked.Increment(ref _scheduled[phase]);

    public void RecordLag(int phase, long micros) => _lag[phase].RecordValue(Math.Clamp(micros, 1, LatencyHistograms.HighestTrackableMicroseconds));

    /// <summary>Folds everything recorded so far into the totals; safe to call from the progress timer and at the end.</summary>
    public void Harvest()
    {
        lock (_cells)
        {
            foreach (var cell in _cells) cell.Harvest();
            for (var p = 0; p < _lag.Length; p++)
            {
                _lagScratch[p] = _lag[p].GetIntervalHistogram(_lagScratch[p]);
                Lag[p].Add(_lagScratch[p]!);
            }
        }
    }

    /// <summary>Every scenario's successful latencies in <paramref name="phase"/>, merged (call after <see cref="Harvest"/>).</summary>
    public LongHistogram PhaseLatency(int phase)
    {
        lock (_cells)
        {
            var all = LatencyHistograms.Create();
            for (var s = 0; s < Scenarios; s++) all.Add(_cells[s, phase].Client);
            return all;
        }
    }

    /// <summary>Requests completed in <paramref name="phase"/> (successes harvested so far, and failures).</summary>
    public long Completed(int phase)
    {
        lock (_cells)
        {
            long count = 0;
            for (var s = 0; s < Scenarios; s++) count += _cells[s, phase].Client.TotalCount + _cells[s, phase].ErrorCount;
            return count;
        }
    }

    public long Errors(int phase)
    {
        long count = 0;
        for (var s = 0; s < Scenarios; s++) count += _cells[s, phase].ErrorCount;
        return count;
    }
}
