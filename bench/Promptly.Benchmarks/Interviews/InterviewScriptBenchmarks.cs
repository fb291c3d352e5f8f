using BenchmarkDotNet.Attributes;
using Promptly.Guides;
using Promptly.Interviews;

namespace Promptly.Benchmarks.Interviews;

/// <summary>
/// The interview logic a turn runs before the interviewer speaks, over one whole interview of the default guide
/// (software_engineer_practice, 20 turns) with the load driver's short answers: each turn copies the session's
/// <see cref="ScriptState"/>, reads the answer (<see cref="AnswerAnalyzer"/>) and decides the next step
/// (<see cref="InterviewScript.Next"/>), as <c>InterviewService.TakeTurnAsync</c> does. No storage, no HTTP.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class InterviewScriptBenchmarks
{
    private static readonly string[] Answers =
    [
        "Mostly backend work.", "Payments, mainly.", "A flaky cache.", "Queues.", "Unit tests.",
        "I ask questions.", "Cut scope.", "We talked.", "Rust.", "Good team.",
    ];

    private InterviewGuide _guide = null!;

    private List<TranscriptMessage> _transcript = null!;

    [GlobalSetup]
    public void Setup()
    {
        _guide = GuideCatalog.Load(new GuideOptions()).Get("software_engineer_practice");
        _transcript = [];
        for (var i = 0; i < 20; i++)
        {
            _transcript.Add(new TranscriptMessage(2 * i, MessageRoles.Interviewer, "Question?", i, _guide.Elements[i % 10].Id, "question", default));
            _transcript.Add(new TranscriptMessage(2 * i + 1, MessageRoles.Candidate, Answers[i % Answers.Length], i + 1, _guide.Elements[i % 10].Id, "answer", default));
        }
    }

    [Benchmark(Description = "Concept graph of the finished interview")]
    public double Graph() => new Promptly.Graph.TranscriptGraph().OrphanRatio(_guide, _transcript);

    [Benchmark(Description = "One interview, 20 turns: copy, analyse, next step")]
    public int Interview()
    {
        var state = new ScriptState();
        InterviewScript.Start(_guide, state);
        var turns = 0;
        for (var question = 1; ; question++)
        {
            var copy = state.Clone();
            var step = InterviewScript.Next(_guide, copy, AnswerAnalyzer.Analyze(_guide, Answers[question % Answers.Length]), question);
            state = copy;
            turns++;
            if (step.Done) return turns;
        }
    }
}
