using Promptly.Latency;

namespace Promptly.Load.Voice;

/// <summary>
/// What the streams of a voice load saw: turns, the server's latency records, the client's own view of each
/// response, errors. Records that arrive before the measured window (while the streams ramp up) count as turns only.
/// </summary>
/// <remarks>Thread-safe: every stream's receive loop and sender record here; one lock, taken a few times per turn.</remarks>
internal sealed class VoiceLoadRecorder
{
    private readonly Lock _sync = new();
    private readonly List<double> _responseMs = [];
    private readonly Dictionary<string, List<double>> _phases = [];
    private readonly List<double> _eotBeyondSilenceMs = [];
    private readonly List<double> _clientMs = [];
    private readonly Dictionary<string, long> _errors = [];
    private readonly Dictionary<string, long> _turnEnds = [];
    private long _turns;
    private long _sessions;
    private long _completed;
    private long _interrupted;
    private long _failedRecords;
    private int _maxLagFrames;
    private bool _measuring;

    /// <summary>From now on latency records count in the figures.</summary>
    public void StartMeasuring()
    {
        lock (_sync) _measuring = true;
    }

    public void TurnEnded(string reason)
    {
        lock (_sync)
        {
            _turns++;
            _turnEnds[reason] = _turnEnds.GetValueOrDefault(reason) + 1;
        }
    }

    /// <param name="silenceMs">The server's <c>Voice:SilenceMs</c>: what <c>eot_wait</c> must wait in any case.</param>
    public void Latency(VoiceLatency latency, int silenceMs)
    {
        lock (_sync)
        {
            if (!_measuring) return;
            _responseMs.Add(latency.ResponseTimeMs);
            if (latency.Failed) _failedRecords++;
            foreach (var (name, ms) in latency.Phases ?? [])
            {
                if (!_phases.TryGetValue(name, out var values)) _phases[name] = values = [];
                values.Add(ms);
                if (name == "eot_wait") _eotBeyondSilenceMs.Add(ms - silenceMs);
            }
        }
    }

    /// <summary>From the last frame of the answer handed to the socket to the first sign of the reply (audio, or the question when the server does not speak).</summary>
    public void ClientResponse(TimeSpan elapsed)
    {
        lock (_sync)
        {
            if (_measuring) _clientMs.Add(elapsed.TotalMilliseconds);
        }
    }

    public void Error(string kind)
    {
        lock (_sync) _errors[kind] = _errors.GetValueOrDefault(kind) + 1;
    }

    public void SessionStarted() => Interlocked.Increment(ref _sessions);

    public void Completed() => Interlocked.Increment(ref _completed);

    public void Interrupted() => Interlocked.Increment(ref _interrupted);

    /// <summary>A stream had <paramref name="frames"/> frames due and not yet sent: the client fell behind real time.</summary>
    public void Backlog(int frames)
    {
        int seen;
        while (frames > (seen = Volatile.Read(ref _maxLagFrames)) && Interlocked.CompareExchange(ref _maxLagFrames, frames, seen) != seen)
        {
        }
    }

    public (long Turns, long Errors) Progress()
    {
        lock (_sync) return (_turns, _errors.Values.Sum());
    }

    public VoiceLoadFigures Figures(int frameMs)
    {
        lock (_sync)
        {
            return new VoiceLoadFigures(
                _turns, new Dictionary<string, long>(_turnEnds), Interlocked.Read(ref _sessions), Interlocked.Read(ref _completed),
                Spread.Of(_responseMs), _failedRecords,
                _phases.OrderBy(p => p.Key, StringComparer.Ordinal).ToDictionary(p => p.Key, p => Spread.Of(p.Value)),
                Spread.Of(_eotBeyondSilenceMs), Spread.Of(_clientMs),
                new Dictionary<string, long>(_errors), Interlocked.Read(ref _interrupted), Volatile.Read(ref _maxLagFrames) * frameMs);
        }
    }
}

/// <summary>Count, median, 99th percentile and maximum of some milliseconds (NaN when there are none).</summary>
internal readonly record struct Spread(int Count, double P50, double P99, double Max)
{
    public static Spread Of(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0
            ? new Spread(0, double.NaN, double.NaN, double.NaN)
            : new Spread(sorted.Length, Percentiles.OfSorted(sorted, 50)!.Value, Percentiles.OfSorted(sorted, 99)!.Value, sorted[^1]);
    }
}

/// <summary>A voice load's figures (see <see cref="VoiceLoadRecorder"/>).</summary>
/// <param name="EotBeyondSilence">The server's <c>eot_wait</c> minus its configured silence: what it adds to the silence it must wait.</param>
/// <param name="Client">The client's time from the end of its answer to the reply's first audio (or its question when the server does not speak).</param>
/// <param name="MaxClientLagMs">The most audio any stream had due and unsent at once: how far the client itself fell behind real time.</param>
internal sealed record VoiceLoadFigures(
    long Turns, IReadOnlyDictionary<string, long> TurnEnds, long Sessions, long Completed,
    Spread ResponseTime, long FailedRecords, IReadOnlyDictionary<string, Spread> Phases, Spread EotBeyondSilence, Spread Client,
    IReadOnlyDictionary<string, long> Errors, long Interrupted, int MaxClientLagMs);
