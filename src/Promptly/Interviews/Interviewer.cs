using System.Text;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using Promptly.Storage;

namespace Promptly.Interviews;

/// <summary>
/// Turns a planned <see cref="InterviewerStep"/> into the interviewer's words through the configured
/// <see cref="IChatClient"/>. A model sees the guide's role, the step to take and a bounded window of the transcript,
/// so the prompt, and with it the model's latency, does not grow with the interview.
/// </summary>
public sealed class Interviewer(IChatClient chat, IOptions<InterviewerOptions> options)
{
    private readonly InterviewerOptions _options = options.Value;

    /// <exception cref="InterviewerFailedException">The model failed or answered nothing.</exception>
    public async Task<string> SayAsync(InterviewState state, InterviewerStep step, string? answer, CancellationToken cancellationToken)
    {
        var chatOptions = new ChatOptions { AdditionalProperties = new() { [ScriptedChatClient.StepProperty] = step } };
        IEnumerable<ChatMessage> messages;
        if (_options.IsScripted)
        {
            messages = [];
        }
        else
        {
            chatOptions.ModelId = _options.Model;
            messages = Prompt(state, step, answer);
        }

        ChatResponse response;
        try
        {
            response = await chat.GetResponseAsync(messages, chatOptions, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            throw new InterviewerFailedException($"The interviewer failed: {e.Message}", e);
        }

        var text = response.Text.Trim();
        return text.Length > 0 ? text : throw new InterviewerFailedException("The interviewer answered with no text.", null);
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

/// <summary>The interviewer could not produce a response; the turn is not stored and may be retried.</summary>
public sealed class InterviewerFailedException(string message, Exception? inner) : Exception(message, inner);
