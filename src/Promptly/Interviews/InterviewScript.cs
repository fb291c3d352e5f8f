using Promptly.Guides;

namespace Promptly.Interviews;

/// <summary>
/// The interview's plan, the same for every provider: greet and ask the first element's question; after each
/// answer, probe the element when the answer is short or names something without saying why, move on once it is
/// covered, and close when every element is covered or the turn limit is reached. The built-in interviewer says the
/// steps as written; a model is asked to phrase them.
/// </summary>
internal static class InterviewScript
{
    /// <summary>Answers shorter than this are probed even when they give a reason.</summary>
    public const int MinWordsForCoverage = 6;

    public static InterviewerStep Start(InterviewGuide guide, ScriptState state)
    {
        var first = NextElement(guide, state)!;
        Ask(state, first);
        return new InterviewerStep(StepKinds.Greeting, first.Id, $"{guide.Greeting.Trim()} {first.Questions[0]}", Done: false);
    }

    /// <summary>
    /// Decides the response to <paramref name="answer"/>, which becomes response number
    /// <paramref name="questionNumber"/>, and updates <paramref name="state"/>.
    /// </summary>
    public static InterviewerStep Next(InterviewGuide guide, ScriptState state, AnswerAnalysis answer, int questionNumber)
    {
        // Indexed loops here and in NextElement: foreach over an IReadOnlyList boxes its enumerator, on every turn.
        for (var i = 0; i < answer.ElementIds.Count; i++)
        {
            var id = answer.ElementIds[i];
            state.Explore(id);
            if (answer.GivesReason && id != state.CurrentElementId) state.Cover(id);
        }

        InterviewerStep? probe = null;
        if (state.CurrentElementId is { } currentId && guide.FindElement(currentId) is { } current)
        {
            state.Explore(currentId);
            var thorough = answer.GivesReason && answer.WordCount >= MinWordsForCoverage;
            if (thorough || state.ProbesOnCurrent >= guide.MaxProbesPerElement || current.Probes.Count == 0)
            {
                state.Cover(currentId);
            }
            else
            {
                probe = new InterviewerStep(StepKinds.Probe, currentId, current.Probes[state.ProbesOnCurrent % current.Probes.Count], Done: false);
            }
        }

        if (questionNumber >= guide.MaxTurns)
        {
            return Close(guide, state);
        }

        if (probe is not null)
        {
            state.ProbesOnCurrent++;
            return probe;
        }

        var next = NextElement(guide, state);
        if (next is null)
        {
            return Close(guide, state);
        }

        Ask(state, next);
        return new InterviewerStep(StepKinds.Question, next.Id, next.Questions[0], Done: false);
    }

    /// <summary>Rebuilds a session's state from its stored transcript (after a restart or a cache eviction).</summary>
    public static ScriptState Replay(InterviewGuide guide, IEnumerable<(string Kind, string? ElementId, string? Answer)> steps)
    {
        var state = new ScriptState();
        foreach (var (kind, elementId, answer) in steps)
        {
            if (answer is not null)
            {
                var analysis = AnswerAnalyzer.Analyze(guide, answer);
                if (state.CurrentElementId is { } discussed) state.Explore(discussed);
                foreach (var id in analysis.ElementIds)
                {
                    state.Explore(id);
                    if (analysis.GivesReason && id != state.CurrentElementId) state.Cover(id);
                }

                continue;
            }

            switch (kind)
            {
                case StepKinds.Greeting or StepKinds.Question when elementId is not null:
                    if (state.CurrentElementId is { } previous) state.Cover(previous);
                    state.CurrentElementId = elementId;
                    state.ProbesOnCurrent = 0;
                    state.MarkAsked(elementId);
                    break;
                case StepKinds.Probe:
                    state.ProbesOnCurrent++;
                    break;
                case StepKinds.Closing:
                    if (state.CurrentElementId is { } last) state.Cover(last);
                    state.CurrentElementId = null;
                    break;
            }
        }

        return state;
    }

    /// <summary>Share of the guide's elements covered so far.</summary>
    public static double Coverage(InterviewGuide guide, ScriptState state) =>
        guide.Elements.Count == 0 ? 0 : guide.Elements.Count(e => state.Covered.Contains(e.Id)) / (double)guide.Elements.Count;

    private static GuideElement? NextElement(InterviewGuide guide, ScriptState state)
    {
        GuideElement? best = null;
        for (var i = 0; i < guide.Elements.Count; i++)
        {
            var element = guide.Elements[i];
            if (state.Asked.Contains(element.Id) || (state.Covered.Contains(element.Id) && !guide.AskEveryElement)) continue;
            if (best is null || element.Priority < best.Priority) best = element;
        }

        return best;
    }

    private static void Ask(ScriptState state, GuideElement element)
    {
        state.CurrentElementId = element.Id;
        state.ProbesOnCurrent = 0;
        state.MarkAsked(element.Id);
    }

    private static InterviewerStep Close(InterviewGuide guide, ScriptState state)
    {
        state.CurrentElementId = null;
        return new InterviewerStep(StepKinds.Closing, null, guide.Closing.Trim(), Done: true);
    }
}
