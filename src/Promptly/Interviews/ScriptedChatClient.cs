using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace Promptly.Interviews;

/// <summary>
/// The built-in interviewer: an <see cref="IChatClient"/> that needs no network and says the step the
/// <see cref="InterviewScript"/> chose, word for word. The step arrives in <see cref="ChatOptions.AdditionalProperties"/>
/// under <see cref="StepProperty"/>; its choice of words is the guide's.
/// </summary>
internal sealed class ScriptedChatClient : IChatClient
{
    public const string StepProperty = "promptly.step";

    private static readonly ChatClientMetadata Metadata = new("promptly-scripted", defaultModelId: "scripted");

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var step = StepOf(options);
        return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, step.Text))
        {
            ModelId = "scripted",
            FinishReason = ChatFinishReason.Stop,
        });
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var response = await GetResponseAsync(messages, options, cancellationToken);
        foreach (var update in response.ToChatResponseUpdates())
        {
            yield return update;
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is not null ? null
        : serviceType == typeof(ChatClientMetadata) ? Metadata
        : serviceType.IsInstanceOfType(this) ? this
        : null;

    public void Dispose()
    {
    }

    private static InterviewerStep StepOf(ChatOptions? options) =>
        options?.AdditionalProperties?.TryGetValue(StepProperty, out var value) == true && value is InterviewerStep step
            ? step
            : throw new InvalidOperationException($"The scripted interviewer needs the next step in ChatOptions.AdditionalProperties[\"{StepProperty}\"].");
}
