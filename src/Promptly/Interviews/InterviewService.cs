using Microsoft.Extensions.Options;
using Promptly.Access;
using Promptly.Budget;
using Promptly.Guides;
using Promptly.Latency;
using Promptly.Observability;
using Promptly.Storage;

namespace Promptly.Interviews;

/// <summary>
/// Runs interviews: starts sessions with a greeting, takes turns and ends sessions. Every interviewer response is
/// timed by a <see cref="LatencyTracker"/> and returned only after its messages and its latency record are durable.
/// It knows no transport: it answers with results or its own exceptions (<see cref="InterviewNotFoundException"/>,
/// <see cref="InterviewConflictException"/>, <see cref="InterviewerFailedException"/>,
/// <see cref="UnknownConceptException"/>), and hands words to an <see cref="IReplySink"/> as they come.
/// </summary>
/// <remarks>
/// Turns of one session run one at a time under the session's gate, so racing turns get consecutive question
/// numbers; storage refuses a turn whose session moved on, which covers two servers sharing a database.
/// Interviews that start, complete or are ended early are counted on <see cref="PromptlyInstruments"/> once stored.
/// </remarks>
internal sealed class InterviewService(
    GuideCatalog guides,
    IInterviewStore store,
    SessionCache cache,
    Interviewer interviewer,
    LatencyBudget budget,
    IConceptGraphFigures graphs,
    PromptlyInstruments instruments,
    IOptions<InterviewerOptions> interviewerOptions,
    TimeProvider time)
{
    public async Task<InterviewResponse> StartAsync(StartInterview request, long arrival, CancellationToken cancellationToken)
    {
        var guide = guides.Get(request.ConceptId);
        var now = time.GetStoredNow();
        var session = new SessionRecord
        {
            Id = request.Id,
            ConceptId = guide.Id,
            InterviewType = request.InterviewType,
            Candidate = request.Candidate,
            Status = SessionStatus.Active,
            QuestionNumber = 0,
            CreatedAt = now,
            InvitationToken = request.InvitationToken,
            Access = request.Access,
        };
        var script = new ScriptState();
        var state = new InterviewState(session, guide, script, []);
        await using (var tracker = budget.Start(state.Subject, arrival, questionNumber: 0))
        {
            var step = InterviewScript.Start(guide, script);
            var text = await GreetAsync(state, step, tracker, cancellationToken);

            var greeting = new TranscriptMessage(0, MessageRoles.Interviewer, text, 0, step.ElementId, step.Kind, time.GetStoredNow());
            var record = await tracker.CommitAsync((seal, ct) => CreateAsync(session, greeting, LatencyBudget.Entry(seal), ct), cancellationToken);

            state.Transcript.Add(greeting);
            cache.Add(state);
            instruments.InterviewStarted(session.ConceptId, session.InterviewType);
            return new InterviewResponse(state, greeting, step, record);
        }
    }

    /// <summary>
    /// A greeting is never left unsaid: when the interviewer fails, the guide's fallback greeting opens the
    /// interview and the record says the interviewer failed (the built-in one) or fell back (a model, after its retries).
    /// </summary>
    private async Task<string> GreetAsync(InterviewState state, InterviewerStep step, LatencyTracker tracker, CancellationToken cancellationToken)
    {
        var fallback = $"{(state.Guide.FallbackGreeting ?? state.Guide.Greeting).Trim()} {state.Guide.FindElement(step.ElementId!)!.Questions[0]}";
        try
        {
            return (await AskAsync(state, step, answer: null, fallback, sink: null, tracker, tracker.NextPhaseStart(), cancellationToken)).Text;
        }
        catch (InterviewerFailedException e)
        {
            tracker.Failed(e.Message);
            return fallback;
        }
    }

    /// <summary>
    /// Asks the interviewer and records the call on the tracker, which splits its time into phases (the model's, and
    /// the time spent handing words to the <paramref name="sink"/>), with token counts and the fallback cause.
    /// </summary>
    /// <param name="start">When the call began, taken by the caller so that the call's own setup is inside it.</param>
    private async Task<InterviewerReply> AskAsync(
        InterviewState state, InterviewerStep step, string? answer, string fallbackText, IReplySink? sink, LatencyTracker tracker, long start,
        CancellationToken cancellationToken)
    {
        var delivered = sink?.WriteTime;
        InterviewerReply? reply = null;
        try
        {
            var deadline = TurnDeadline.Of(tracker.StartTimestamp, interviewerOptions.Value.FallbackAfterMs, tracker.Thresholds.ThresholdMs);
            reply = await interviewer.SayAsync(state, step, answer, deadline, fallbackText, sink, cancellationToken);
            return reply;
        }
        finally
        {
            var end = time.GetTimestamp();
            tracker.AddInterviewerCall(time.GetElapsedTime(start, end), sink?.WriteTime - delivered, reply?.FirstToken, end);
            if (reply is not null) tracker.Tokens(reply.PromptTokens, reply.CompletionTokens);
            if (reply?.FallbackCause is { } cause) tracker.FellBack(cause);
        }
    }

    private async Task CreateAsync(SessionRecord session, TranscriptMessage greeting, Func<BudgetedLatency> latency, CancellationToken cancellationToken)
    {
        try
        {
            await store.CreateSessionAsync(session, greeting, latency, cancellationToken);
        }
        catch (StorageConflictException e)
        {
            throw new InvitationUsedException(e.Message);
        }
        catch (StorageNotFoundException)
        {
            throw new InvitationNotFoundException(session.InvitationToken ?? "");
        }
    }

    /// <summary>Takes the candidate's answer and stores it with the interviewer's reply and its latency record.</summary>
    /// <param name="sessionId">The session.</param>
    /// <param name="turn">The candidate's answer, validated, and when the response's time began.</param>
    /// <param name="sink">
    /// Gets the reply's words as they come; opened once the session is found open, so a missing or closed session
    /// still fails before anything is sent. The reply is stored only after the last word, as without a sink.
    /// </param>
    /// <param name="cancellationToken">The request's; it reaches the store, so cancelled before the writer takes the turn, nothing is stored.</param>
    public async Task<InterviewResponse> TakeTurnAsync(string sessionId, TurnInput turn, IReplySink? sink, CancellationToken cancellationToken)
    {
        var answer = turn.Answer;
        // Load counts from the hand-over of a voice turn, or from a typed turn's arrival: reading the request is its.
        var loadStart = turn.HandedOver ?? turn.Arrival;
        var state = await GetStateAsync(sessionId, cancellationToken);
        await state.Gate.WaitAsync(cancellationToken);
        try
        {
            if (!state.IsOpen) throw new SessionClosedException(sessionId, state.Session.Status);
            var questionNumber = state.Session.QuestionNumber + 1;
            await using (var tracker = budget.Start(state.Subject, turn.Arrival, questionNumber, channel: turn.Channel))
            {
                foreach (var earlier in turn.Before) tracker.AddPhase(earlier.Name, TimeSpan.FromMilliseconds(earlier.Ms));
                tracker.AddPhase(LatencyPhases.Load, loadStart);
                if (sink is not null)
                {
                    using (tracker.Phase(LatencyPhases.Stream)) await sink.OpenAsync(cancellationToken);
                }

                ScriptState script;
                InterviewerStep step;
                var answered = new TranscriptMessage(state.Transcript.Count, MessageRoles.Candidate, answer, questionNumber, state.Transcript[^1].ElementId, MessageKinds.Answer, default);
                InterviewMeasures? measures = null;
                using (tracker.Phase(LatencyPhases.Extract))
                {
                    script = state.Script.Clone();
                    step = InterviewScript.Next(state.Guide, script, AnswerAnalyzer.Analyze(state.Guide, turn.Heard ? answer : ""), questionNumber);
                    if (step.Done) measures = Measure(state, script, answered);
                }

                var text = (await SayOrFailAsync(state, step, turn.Heard ? answer : "", sink, tracker, tracker.NextPhaseStart(), cancellationToken)).Text;
                if (sink is not null)
                {
                    using (tracker.Phase(sink.CompletePhase)) await sink.CompleteAsync(cancellationToken);
                    sink.ReportTo(tracker);
                }

                DateTimeOffset now = default;
                TranscriptMessage? candidateLine = null, reply = null;
                var status = step.Done ? SessionStatus.Completed : SessionStatus.Active;
                var record = await tracker.CommitAsync(
                    (seal, ct) =>
                    {
                        // Built here so that the time it takes is the persist phase's, not time between phases.
                        now = time.GetStoredNow();
                        candidateLine = answered with { At = now };
                        reply = new TranscriptMessage(answered.Seq + 1, MessageRoles.Interviewer, text, questionNumber, step.ElementId, step.Kind, now);
                        return AppendAsync(
                            new TurnWrite(sessionId, questionNumber - 1, questionNumber, status, [candidateLine, reply], step.Done ? now : null, LatencyBudget.Entry(seal), measures),
                            ct);
                    },
                    cancellationToken);

                state.Transcript.Add(candidateLine!);
                state.Transcript.Add(reply!);
                state.Script = script;
                state.Session = state.Session with { QuestionNumber = questionNumber, Status = status, EndedAt = step.Done ? now : null };
                if (step.Done)
                {
                    cache.Remove(sessionId);
                    Ended(state.Session, completed: true, measures);
                }

                return new InterviewResponse(state, reply!, step, record);
            }
        }
        finally
        {
            state.Gate.Release();
        }
    }

    /// <summary>
    /// What the interview reached, with the answer that completes it: measured once per interview, on the
    /// transcript held in memory, so it costs a graph of a few dozen answers and no read.
    /// </summary>
    private InterviewMeasures Measure(InterviewState state, ScriptState script, TranscriptMessage answered) => new(
        Math.Round(InterviewScript.Coverage(state.Guide, script), 4),
        graphs.OrphanRatio(state.Guide, state.Transcript.Append(answered)));

    private void Ended(SessionRecord session, bool completed, InterviewMeasures? measures) =>
        instruments.InterviewEnded(session.ConceptId, session.InterviewType, completed, (session.EndedAt ?? session.CreatedAt) - session.CreatedAt,
            measures?.ElementCoverage, measures?.OrphanRatio);

    /// <summary>A model that does not answer in time says the planned step itself, so the interview goes on as the script planned.</summary>
    private async Task<InterviewerReply> SayOrFailAsync(
        InterviewState state, InterviewerStep step, string answer, IReplySink? sink, LatencyTracker tracker, long start, CancellationToken cancellationToken)
    {
        try
        {
            return await AskAsync(state, step, answer, step.Text, sink, tracker, start, cancellationToken);
        }
        catch (InterviewerFailedException e)
        {
            tracker.Failed(e.Message);
            throw;
        }
    }

    private async Task<bool> IsCurrentAsync(InterviewState held, CancellationToken cancellationToken) =>
        await store.SessionProgressAsync(held.Id, cancellationToken) is { } stored
        && stored.QuestionNumber == held.Session.QuestionNumber && stored.Status == held.Session.Status;

    private async Task AppendAsync(TurnWrite turn, CancellationToken cancellationToken)
    {
        try
        {
            await store.AppendTurnAsync(turn, cancellationToken);
        }
        catch (StorageConflictException)
        {
            // Another server (or an evicted copy of this session) moved it on: drop ours so the next turn reads it fresh.
            cache.Remove(turn.SessionId);
            throw new SessionMovedOnException(turn.SessionId);
        }
    }

    public async Task<InterviewState> EndAsync(string sessionId, CancellationToken cancellationToken)
    {
        var state = await GetStateAsync(sessionId, cancellationToken);
        await state.Gate.WaitAsync(cancellationToken);
        try
        {
            if (!state.IsOpen) return state;
            var now = time.GetStoredNow();
            var ended = await store.EndSessionAsync(sessionId, now, cancellationToken);
            state.Session = state.Session with { Status = SessionStatus.Ended, EndedAt = now };
            cache.Remove(sessionId);
            // Ended before its closing: abandoned. Counted only by the server whose write ended it.
            if (ended) Ended(state.Session, completed: false, measures: null);
            return state;
        }
        finally
        {
            state.Gate.Release();
        }
    }

    /// <summary>
    /// Erases the session's transcript, audio, candidate name and token (its anonymous latency figures stay). Waits for
    /// a turn in progress, so none is stored after; false when there was no such session.
    /// </summary>
    public async Task<bool> EraseAsync(string sessionId, CancellationToken cancellationToken)
    {
        var gate = cache.Find(sessionId)?.Gate;
        if (gate is not null) await gate.WaitAsync(cancellationToken);
        try
        {
            var erased = await store.EraseSessionAsync(sessionId, time.GetStoredNow(), cancellationToken);
            cache.Remove(sessionId);
            return erased;
        }
        finally
        {
            gate?.Release();
        }
    }

    /// <summary>
    /// Throws <see cref="SessionNotFoundException"/> unless the session exists (and was not erased), without loading it:
    /// answered from memory when this server is the only one, else from one read of its stored row.
    /// </summary>
    public async Task EnsureExistsAsync(string sessionId, CancellationToken cancellationToken)
    {
        if (!store.SharedAcrossServers && cache.Find(sessionId) is not null) return;
        if (await store.SessionProgressAsync(sessionId, cancellationToken) is null) throw new SessionNotFoundException(sessionId);
    }

    /// <summary>
    /// The session's state, from memory or rebuilt from storage (and then kept in memory while it is open). When other
    /// servers share the database, the copy in memory is used only if the stored session is where it is (one read of
    /// its row): a session whose turns went to another server since is read afresh, never answered from the old copy.
    /// </summary>
    /// <exception cref="SessionNotFoundException">There is no such session.</exception>
    public async Task<InterviewState> GetStateAsync(string sessionId, CancellationToken cancellationToken)
    {
        if (cache.Find(sessionId) is { } cached)
        {
            if (!store.SharedAcrossServers || await IsCurrentAsync(cached, cancellationToken)) return cached;
            cache.Remove(sessionId);
        }

        var stored = await store.LoadSessionAsync(sessionId, cancellationToken) ?? throw new SessionNotFoundException(sessionId);
        var guide = guides.Find(stored.Session.ConceptId) ?? throw new ConceptUnavailableException(sessionId, stored.Session.ConceptId);
        var state = InterviewState.FromStored(stored, guide);

        // Only open sessions are held: a closed one takes no more turns, and reading it again costs a read.
        return state.IsOpen ? cache.Add(state) : state;
    }
}

/// <summary>
/// A candidate's turn as a transport hands it to the core: the answer, validated, and the timestamp
/// (<see cref="TimeProvider.GetTimestamp"/>) the response's time counts from: a request's arrival, or the end of the
/// candidate's speech.
/// </summary>
internal sealed record TurnInput(string Answer, long Arrival)
{
    /// <summary>How the turn was exchanged; the latency record says it.</summary>
    public string Channel { get; init; } = LatencyChannels.Text;

    /// <summary>
    /// False when <see cref="Answer"/> is only a note for the transcript (a skipped question, speech that could not be
    /// transcribed): the interviewer then hears nothing and moves on.
    /// </summary>
    public bool Heard { get; init; } = true;

    /// <summary>Phases the transport timed between <see cref="Arrival"/> and handing the turn over (a voice turn's end-of-turn wait and speech to text).</summary>
    public IReadOnlyList<PhaseTiming> Before { get; init; } = [];

    /// <summary>
    /// When <see cref="Before"/> ends (<see cref="TimeProvider.GetTimestamp"/>): the core's first phase counts from
    /// here, so that no time falls between the transport's phases and the core's, not even the first call's JIT.
    /// </summary>
    public long? HandedOver { get; init; }
}

/// <summary>What starting a session needs; validated by the endpoint.</summary>
/// <remarks><see cref="Access"/> is what is stored of the candidate's token, issued by the caller, which alone sees the token.</remarks>
internal sealed record StartInterview(string ConceptId, string InterviewType, string? Candidate, string? InvitationToken = null)
{
    /// <summary>The new session's id: time-ordered, so sessions sort by start.</summary>
    public string Id { get; init; } = Guid.CreateVersion7().ToString("N");

    public SessionAccess? Access { get; init; }
}

/// <summary>One interviewer response with its timing.</summary>
internal sealed record InterviewResponse(InterviewState State, TranscriptMessage Message, InterviewerStep Step, LatencyRecord Latency);
