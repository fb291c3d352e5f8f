using System.Text;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;

namespace Promptly.Interviews;

/// <summary>
/// Turns a planned <see cref="InterviewerStep"/> into the interviewer's words through the configured
/// <see cref="IChatClient"/>. A model sees the guide's role, the step to take and a bounded window of the transcript,
/// so the prompt, and with it the model's latency, does not grow with the interview.
/// </summary>
/// <remarks>
/// The built-in interviewer is asked once and its failure fails the response. A model is streamed through
/// <see cref="ModelCall"/>, under the response's deadlines, and falls back to the given text instead of failing.
/// </remarks>
internal sealed class Interviewer(IChatClient chat, ModelCall model, IOptions<InterviewerOptions> options)
{
    private readonly InterviewerOptions _options = options.Value;

    /// <param name="state">The session.</param>
    /// <param name="step">What the script planned to say.</param>
    /// <param name="answer">The candidate's answer; null for the greeting.</param>
    /// <param name="deadline">When a model's first token, and its whole reply, must have come.</param>
    /// <param name="fallbackText">What a model's response says when the model does not answer in time.</param>
    /// <param name="sink">Gets the words as they come (see <see cref="ModelCall.ReplyAsync"/>); the built-in interviewer's come in one piece.</param>
    /// <param name="cancellationToken">The request's.</param>
    /// <exception cref="InterviewerFailedException">The built-in interviewer failed or answered nothing.</exception>
    public async Task<InterviewerReply> SayAsync(
        InterviewState state, InterviewerStep step, string? answer, TurnDeadline deadline, string fallbackText, IReplySink? sink, CancellationToken cancellationToken)
    {
        if (!_options.IsScripted)
        {
            var modelOptions = new ChatOptions { ModelId = _options.Model, AdditionalProperties = new() { [ScriptedChatClient.StepProperty] = step } };
            return await model.ReplyAsync(Prompt(state, step, answer), modelOptions, deadline, fallbackText, sink, cancellationToken);
        }

        string text;
        if (chat is ScriptedChatClient)
        {
            // The built-in interviewer says the step word for word; asking it through IChatClient would only build
            // and unpack a request and a response on every turn.
            cancellationToken.ThrowIfCancellationRequested();
            text = step.Text.Trim();
        }
        else
        {
            ChatResponse response;
            try
            {
                response = await chat.GetResponseAsync([], new ChatOptions { AdditionalProperties = new() { [ScriptedChatClient.StepProperty] = step } }, cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                throw new InterviewerFailedException($"The interviewer failed: {e.Message}", e);
            }

            text = response.Text.Trim();
        }

        if (text.Length == 0) throw new InterviewerFailedException("The interviewer answered with no text.", null);
        if (sink is not null) await new ReplyPieces(sink).ReplaceAsync(text, cancellationToken);
        return new InterviewerReply(text);
    }

    private List<ChatMessage> Prompt(InterviewState state, InterviewerStep step, string? answer)
    {
        var guide = state.Guide;
        var system = new StringBuilder()
            .Append("You are a friendly, concise interviewer running \"").Append(guide.Title).Append("\" (").Append(guide.Kind).AppendLine(").")
            .AppendLine("Reply with what you say to the candidate only: one or two short sentences, one question at most, no lists, no markdown.")
            .Append("Elements still to cover: ")
            .AppendJoin(", ", guide.Elements.Where(e => !state.Script.Covered.Contains(e.Id)).Select(e => e.Name)).AppendLine(".")
            .Append("Your next move is a ").Append(step.Kind).Append(". Say this in your own words: \"").Append(step.Text).Append('"');
        var messages = new List<ChatMessage> { new(ChatRole.System, system.ToString()) };
        foreach (var message in state.Transcript.TakeLast(_options.HistoryWindow))
        {
            messages.Add(new ChatMessage(message.Role == MessageRoles.Candidate ? ChatRole.User : ChatRole.Assistant, message.Content));
        }

        if (answer is not null)
        {
            messages.Add(new ChatMessage(ChatRole.User, answer));
        }

        return messages;
    }
}
