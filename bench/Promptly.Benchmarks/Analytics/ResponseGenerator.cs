using System.Globalization;

namespace Promptly.Benchmarks.Analytics;

/// <summary>One generated latency_records row; reused from row to row.</summary>
internal sealed class GeneratedResponse
{
    public string SessionId = "";
    public string? Candidate;
    public string InterviewType = "";
    public string ConceptId = "";
    public int QuestionNumber;
    public double ResponseTimeMs;
    public double AiMs;
    public string Phases = "";
    public double ThresholdMs;
    public double SevereMs;
    public bool Failed;
    public string? Error;
    public long TimestampMs;
}

/// <summary>
/// Interviewer responses as the server records them, in time order, from a fixed seed. 64 interviews run at once,
/// each 10 to 20 questions long; 70% PRACTICE (budget 2000 ms), 30% INVITED (2500 ms). Phases, in ms:
/// <list type="bullet">
/// <item><c>load</c>: log-normal, median 0.35, σ 0.6.</item>
/// <item><c>ai</c>: bimodal with a heavy tail: 70% median 700 (σ 0.30), 27% median 1250 (σ 0.25), 3% median 2600 (σ 0.45).</item>
/// <item><c>extract</c>: median 35, σ 0.5.</item>
/// <item><c>persist</c>: median 1.5, σ 0.7, and 0.3% stalls 20 to 200 times longer (an fsync behind a checkpoint).</item>
/// </list>
/// 0.4% fail: half after a 10 s AI timeout, half at once (a 503, under budget but still not within it); failed
/// responses have no <c>extract</c>. The response time is the phases plus 0.08 ms (median) of overhead.
/// </summary>
internal sealed class ResponseGenerator(int seed, long fromMs, long toMs, long count)
{
    private const int Concurrent = 64;
    private static readonly string[] PracticeConcepts = ["software_engineer_practice", "oat_milk_v1"];

    private readonly Random _random = new(seed);
    private readonly Session[] _sessions = new Session[Concurrent];
    private readonly char[] _phases = new char[256];
    private long _index;
    private long _nextSession;

    public void Next(GeneratedResponse row)
    {
        // Stratified uniform times: increasing with the id, as the server writes them.
        row.TimestampMs = fromMs + (long)((_index + _random.NextDouble()) * (toMs - fromMs) / count);
        _index++;

        ref var session = ref _sessions[_random.Next(Concurrent)];
        if (session is null || session.Asked == session.Length) session = NewSession();
        session.Asked++;
        row.SessionId = session.Id;
        row.Candidate = session.Candidate;
        row.InterviewType = session.InterviewType;
        row.ConceptId = session.ConceptId;
        row.QuestionNumber = session.Asked;
        row.ThresholdMs = session.InterviewType == "INVITED" ? ProductServices.InvitedThresholdMs : 2000;
        row.SevereMs = 5000;

        var load = Round(LogNormal(0.35, 0.6));
        double ai;
        var failure = _random.NextDouble();
        row.Failed = failure < 0.004;
        if (row.Failed)
        {
            var timeout = failure < 0.002;
            ai = Round(timeout ? LogNormal(10_000, 0.01) : LogNormal(80, 0.5));
            row.Error = timeout ? "The AI provider did not answer within 10 s." : "The AI provider answered 503 Service Unavailable.";
        }
        else
        {
            var mode = _random.NextDouble();
            ai = Round(mode < 0.70 ? LogNormal(700, 0.30) : mode < 0.97 ? LogNormal(1250, 0.25) : LogNormal(2600, 0.45));
            row.Error = null;
        }

        var extract = row.Failed ? 0 : Round(LogNormal(35, 0.5));
        var persist = LogNormal(1.5, 0.7);
        if (_random.NextDouble() < 0.003) persist *= 20 + (_random.NextDouble() * 180);
        persist = Round(persist);

        row.AiMs = ai;
        row.ResponseTimeMs = load + ai + extract + persist + LogNormal(0.08, 0.5);
        row.Phases = row.Failed ? PhaseText(load, ai, null, persist) : PhaseText(load, ai, extract, persist);
    }

    /// <summary>The stored phases keep 4 decimals (the server's PhaseText does the same).</summary>
    private static double Round(double ms) => Math.Round(ms, 4);

    private double LogNormal(double median, double sigma)
    {
        // Box–Muller; one of the pair is enough here.
        var u = 1.0 - _random.NextDouble();
        var z = Math.Sqrt(-2.0 * Math.Log(u)) * Math.Cos(2.0 * Math.PI * _random.NextDouble());
        return median * Math.Exp(sigma * z);
    }

    private string PhaseText(double load, double ai, double? extract, double persist)
    {
        var length = 0;
        Append("{\"load\":", ref length);
        Append(load, ref length);
        Append(",\"ai\":", ref length);
        Append(ai, ref length);
        if (extract is { } e)
        {
            Append(",\"extract\":", ref length);
            Append(e, ref length);
        }

        Append(",\"persist\":", ref length);
        Append(persist, ref length);
        Append("}", ref length);
        return new string(_phases, 0, length);
    }

    private void Append(string text, ref int length)
    {
        text.CopyTo(_phases.AsSpan(length));
        length += text.Length;
    }

    private void Append(double value, ref int length)
    {
        value.TryFormat(_phases.AsSpan(length), out var written, default, CultureInfo.InvariantCulture);
        length += written;
    }

    private Session NewSession()
    {
        var number = _nextSession++;
        var invited = _random.NextDouble() < 0.30;
        return new Session
        {
            Id = $"bench-{number:D9}",
            InterviewType = invited ? "INVITED" : "PRACTICE",
            ConceptId = invited ? "customer_support_screening" : PracticeConcepts[_random.Next(PracticeConcepts.Length)],
            Candidate = invited ? $"candidate-{number}@example.com" : null,
            Length = 10 + _random.Next(11),
        };
    }

    private sealed class Session
    {
        public required string Id { get; init; }
        public required string InterviewType { get; init; }
        public required string ConceptId { get; init; }
        public string? Candidate { get; init; }
        public required int Length { get; init; }
        public int Asked { get; set; }
    }
}
