using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace Promptly.Interviews;

/// <summary>
/// Hedges a slow provider: when the first has produced no text after <c>hedgeAfter</c> (or has already failed), the
/// same request goes to the second as well, and whichever speaks first streams the reply while the other is
/// cancelled. A provider that stalls therefore costs the candidate the hedge delay, not the whole first-token
/// deadline, and only the slow requests are sent twice.
/// </summary>
/// <remarks>
/// Errors keep their own types, so <see cref="ModelCall"/> classifies and retries them as it would a single
/// provider's; when both providers fail, the error of the last one to fail is thrown.
/// </remarks>
internal sealed class HedgingChatClient(IChatClient primary, IChatClient secondary, TimeSpan hedgeAfter, TimeProvider time) : IChatClient
{
    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        await GetStreamingResponseAsync(messages, options, cancellationToken).ToChatResponseAsync(cancellationToken);

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var request = messages as IReadOnlyList<ChatMessage> ?? [.. messages];
        await using var first = Lead.Start(primary, request, options, cancellationToken);
        Lead? second = null;
        try
        {
            using (var hedge = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                await Task.WhenAny(first.Ready, Task.Delay(hedgeAfter, time, hedge.Token));
                await hedge.CancelAsync();
            }

            cancellationToken.ThrowIfCancellationRequested();
            var winner = first;
            if (!first.Ready.IsCompletedSuccessfully)
            {
                second = Lead.Start(secondary, request, options, cancellationToken);
                winner = await FirstToSpeakAsync(first, second);
                await (winner == first ? second : first).CancelAsync();
            }

            foreach (var update in winner.Buffered) yield return update;
            while (await winner.MoveNextAsync()) yield return winner.Current;
        }
        finally
        {
            if (second is not null) await second.DisposeAsync();
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is null && serviceType.IsInstanceOfType(this) ? this : primary.GetService(serviceType, serviceKey);

    public void Dispose()
    {
        primary.Dispose();
        secondary.Dispose();
    }

    // The first lead to produce text; when one fails first, the other, whose failure is then the one thrown.
    private static async Task<Lead> FirstToSpeakAsync(Lead a, Lead b)
    {
        var done = await Task.WhenAny(a.Ready, b.Ready);
        if (done.IsCompletedSuccessfully) return done == a.Ready ? a : b;
        var other = done == a.Ready ? b : a;
        await other.Ready;
        return other;
    }

    /// <summary>One provider's stream, read ahead until its first text so that two can race to it.</summary>
    private sealed class Lead : IAsyncDisposable
    {
        private readonly CancellationTokenSource _cancel;
        private readonly IAsyncEnumerator<ChatResponseUpdate> _updates;

        private Lead(IChatClient client, IReadOnlyList<ChatMessage> messages, ChatOptions? options, CancellationToken cancellationToken)
        {
            _cancel = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            _updates = client.GetStreamingResponseAsync(messages, options, _cancel.Token).GetAsyncEnumerator(_cancel.Token);
        }

        /// <summary>Completes when the stream has produced text (or ended without any); faults with the provider's error.</summary>
        public Task Ready { get; private set; } = Task.CompletedTask;

        /// <summary>The updates read while racing, the text-bearing one last.</summary>
        public List<ChatResponseUpdate> Buffered { get; } = [];

        public ChatResponseUpdate Current => _updates.Current;

        public static Lead Start(IChatClient client, IReadOnlyList<ChatMessage> messages, ChatOptions? options, CancellationToken cancellationToken)
        {
            var lead = new Lead(client, messages, options, cancellationToken);
            lead.Ready = lead.ReadUntilTextAsync();
            return lead;
        }

        public ValueTask<bool> MoveNextAsync() => _updates.MoveNextAsync();

        /// <summary>Stops the losing provider's call and waits for its read to end, so nothing runs on after the race.</summary>
        public async Task CancelAsync()
        {
            await _cancel.CancelAsync();
            try
            {
                await Ready;
            }
            catch (Exception)
            {
                // The loser's cancellation or failure: the winner answers.
            }
        }

        public async ValueTask DisposeAsync()
        {
            await CancelAsync();
            await _updates.DisposeAsync();
            _cancel.Dispose();
        }

        private async Task ReadUntilTextAsync()
        {
            while (await _updates.MoveNextAsync())
            {
                Buffered.Add(_updates.Current);
                if (!string.IsNullOrEmpty(_updates.Current.Text)) return;
            }
        }
    }
}
