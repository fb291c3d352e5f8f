using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using HdrHistogram;

namespace Promptly.TurnLoad;

/// <summary>
/// A closed-loop run: each connection takes a free session, sends its next turn, waits for the answer and puts the
/// session back. A finished interview's slot gets a new session. Latency is measured per request from the moment it
/// is sent (in a closed loop the intended send time is the actual one, so no wait hides behind a slow answer).
/// Only the measured window after the warm-up counts; the run stops by itself after warm-up plus duration.
/// </summary>
internal sealed class TurnLoadRun(TurnLoadOptions options, HttpClient http)
{
    // Short answers without a reason: every element gets its probe, so an interview of the 10-question guide lasts
    // the guide's full 20 turns and session creation stays a small share of the traffic.
    private static readonly byte[][] Answers =
    [
        .. new[] { "Mostly backend work.", "Payments, mainly.", "A flaky cache.", "Queues.", "Unit tests.", "I ask questions.", "Cut scope.", "We talked.", "Rust.", "Good team." }
            .Select(a => JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string> { ["user_input"] = a })),
    ];

    private static readonly MediaTypeHeaderValue Json = new("application/json");

    private readonly byte[] _startBody = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string> { ["concept_id"] = options.Concept, ["candidate"] = "load" });
    private readonly Channel<SessionSlot> _free = Channel.CreateUnbounded<SessionSlot>();
    private readonly List<Acknowledged> _finished = [];
    private readonly List<SessionSlot> _slots = [];
    private volatile bool _measuring;

    public async Task<TurnLoadResult> RunAsync()
    {
        for (var i = 0; i < options.Sessions; i++)
        {
            var slot = new SessionSlot();
            _slots.Add(slot);
            _free.Writer.TryWrite(slot);
        }

        var stop = new CancellationTokenSource();
        var workers = Enumerable.Range(0, options.Connections).Select(_ => Task.Run(() => WorkAsync(stop.Token))).ToArray();
        Console.Error.WriteLine($"warm-up {options.Warmup.TotalSeconds:0}s, then measuring {options.Duration.TotalSeconds:0}s " +
                                $"({options.Connections} connections, {options.Sessions} sessions, {options.Server})");
        await Task.Delay(options.Warmup);
        _measuring = true;
        var started = Stopwatch.GetTimestamp();
        await Task.Delay(options.Duration);
        _measuring = false;
        var elapsed = Stopwatch.GetElapsedTime(started);
        await stop.CancelAsync();
        var tallies = await Task.WhenAll(workers);

        var total = WorkerTally.Merge(tallies);
        var acknowledged = _finished.Concat(_slots.Where(s => s.SessionId is not null).Select(s => new Acknowledged(s.SessionId!, s.AcknowledgedQuestion))).ToList();
        return new TurnLoadResult(options, elapsed, total, acknowledged);
    }

    private async Task<WorkerTally> WorkAsync(CancellationToken stop)
    {
        var tally = new WorkerTally();
        var answer = Random.Shared.Next(Answers.Length);
        while (!stop.IsCancellationRequested)
        {
            var slot = await _free.Reader.ReadAsync(CancellationToken.None);
            try
            {
                if (slot.Done) await StartSessionAsync(slot, tally);
                if (!slot.Done) await TakeTurnAsync(slot, Answers[answer++ % Answers.Length], tally);
            }
            catch (HttpRequestException e)
            {
                tally.CountError(e.StatusCode is { } code ? $"HTTP {(int)code}" : e.HttpRequestError.ToString());
                await Task.Delay(10, CancellationToken.None);
            }
            finally
            {
                _free.Writer.TryWrite(slot);
            }
        }

        return tally;
    }

    private async Task StartSessionAsync(SessionSlot slot, WorkerTally tally)
    {
        if (slot.SessionId is not null)
        {
            lock (_finished) _finished.Add(new Acknowledged(slot.SessionId, slot.AcknowledgedQuestion));
        }

        using var content = new ByteArrayContent(_startBody);
        content.Headers.ContentType = Json;
        using var response = await http.PostAsync("/sessions", content);
        var body = await Read(response);
        using var json = JsonDocument.Parse(body);
        slot.SessionId = json.RootElement.GetProperty("id").GetString();
        slot.AcknowledgedQuestion = 0;
        slot.Done = false;
        if (_measuring) tally.Sessions++;
    }

    private async Task TakeTurnAsync(SessionSlot slot, byte[] answer, WorkerTally tally)
    {
        using var content = new ByteArrayContent(answer);
        content.Headers.ContentType = Json;
        var sent = Stopwatch.GetTimestamp();
        using var response = await http.PostAsync($"/sessions/{slot.SessionId}/turns", content);
        var body = await Read(response);
        var micros = (long)(Stopwatch.GetElapsedTime(sent).TotalMicroseconds);

        using var json = JsonDocument.Parse(body);
        var root = json.RootElement;
        slot.AcknowledgedQuestion = root.GetProperty("question_number").GetInt32();
        slot.Done = root.GetProperty("done").GetBoolean();
        if (!_measuring) return;
        var latency = root.GetProperty("latency");
        var server = latency.GetProperty("response_time_ms").GetDouble();
        var ai = latency.GetProperty("ai_processing_time_ms").GetDouble();
        tally.Record(micros, server, server - ai);
    }

    private static async Task<byte[]> Read(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsByteArrayAsync();
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new HttpRequestException($"{(int)response.StatusCode}: {Encoding.UTF8.GetString(body)}", null, response.StatusCode);
        }

        return body;
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
