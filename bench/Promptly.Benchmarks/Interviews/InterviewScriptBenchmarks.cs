using BenchmarkDotNet.Attributes;
using Promptly.Graph;
using Promptly.Guides;
using Promptly.Interviews;
using Promptly.Load;

namespace Promptly.Benchmarks.Interviews;

/// <summary>
/// The interview logic a turn runs before the interviewer speaks, over one whole interview of the load driver's guide
/// (<see cref="InterviewDriver.DefaultConcept"/>, 20 turns) with its answers (<see cref="InterviewDriver.AnswerTexts"/>):
/// each turn copies the session's <see cref="ScriptState"/>, reads the answer (<see cref="AnswerAnalyzer"/>) and decides
/// the next step (<see cref="InterviewScript.Next"/>), as <c>InterviewService.TakeTurnAsync</c> does; and the concept
/// graph the completing turn builds from the 20 answers. No storage, no HTTP.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class InterviewScriptBenchmarks
{
    private static readonly IReadOnlyList<string> Answers = InterviewDriver.AnswerTexts;

    private InterviewGuide _guide = null!;
    private List<TranscriptMessage> _transcript = null!;

    [GlobalSetup]
    public void Setup()
    {
        _guide = GuideCatalog.Load(new GuideOptions()).Get(InterviewDriver.DefaultConcept);
        _transcript = [];
        // As many answers as an interview of the driver's takes: all probed, they run it to the guide's turn limit.
        for (var i = 0; i < _guide.MaxTurns; i++)
        {
            var element = _guide.Elements[i % _guide.Elements.Count].Id;
            _transcript.Add(new TranscriptMessage(2 * i, MessageRoles.Interviewer, "Question?", i, element, StepKinds.Question, default));
            _transcript.Add(new TranscriptMessage(2 * i + 1, MessageRoles.Candidate, Answers[i % Answers.Count], i + 1, element, MessageKinds.Answer, default));
        }
    }

    [Benchmark(Description = "Concept graph of the finished interview")]
    public double Graph() => new TranscriptGraph().OrphanRatio(_guide, _transcript);

    [Benchmark(Description = "One interview, 20 turns: copy, analyse, next step")]
    public int Interview()
    {
        var state = new ScriptState();
        InterviewScript.Start(_guide, state);
        var turns = 0;
        for (var question = 1; ; question++)
        {
            var copy = state.Clone();
            var step = InterviewScript.Next(_guide, copy, AnswerAnalyzer.Analyze(_guide, Answers[question % Answers.Count]), question);
            state = copy;
            turns++;
            if (step.Done) return turns;
        }
    }
}
