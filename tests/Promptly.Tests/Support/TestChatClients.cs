using Microsoft.Extensions.AI;
using Promptly.Interviews;

namespace Promptly.Tests.Support;

/// <summary>The built-in interviewer, slowed down or made to fail on demand.</summary>
public sealed class ControllableChatClient : IChatClient
{
    private readonly ScriptedChatClient _inner = new();

    public TimeSpan Delay { get; set; }

    /// <summary>While true every call throws, as an unreachable provider would.</summary>
    public bool Failing { get; set; }

    public int Calls;

    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref Calls);
        if (Delay > TimeSpan.Zero) await Task.Delay(Delay, cancellationToken);
        if (Failing) throw new HttpRequestException("connection refused (test)");
        return await _inner.GetResponseAsync(messages, options, cancellationToken);
    }

    public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        _inner.GetStreamingResponseAsync(messages, options, cancellationToken);

    public object? GetService(Type serviceType, object? serviceKey = null) => _inner.GetService(serviceType, serviceKey);

    public void Dispose()
    {
    }
}
