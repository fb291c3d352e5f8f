using System.Collections.Concurrent;
using Promptly.Observability;

namespace Promptly.Voice;

/// <summary>
/// The one live voice socket of each session. A candidate who reconnects while the old socket still looks open (a
/// network change leaves it half-open for a while) takes the session over: the old conversation is stopped and closed,
/// so two sockets never answer turns of one session at once.
/// </summary>
internal sealed class VoiceConnections
{
    private readonly ConcurrentDictionary<string, VoiceConversation> _live = new();

    public VoiceConnections(PromptlyInstruments instruments) =>
        instruments.Observe("promptly.voice.streams.active", "{stream}", "Voice interviews streaming now.", () => _live.Count);

    /// <summary>Makes <paramref name="conversation"/> the session's socket and stops the one it replaces, if any.</summary>
    public async Task TakeOverAsync(string sessionId, VoiceConversation conversation)
    {
        VoiceConversation? replaced = null;
        _live.AddOrUpdate(sessionId, conversation, (_, old) =>
        {
            replaced = old;
            return conversation;
        });
        if (replaced is not null && replaced != conversation) await replaced.ReplaceAsync();
    }

    /// <summary>Forgets <paramref name="conversation"/> when it ends, unless a newer one has taken its place.</summary>
    public void Ended(string sessionId, VoiceConversation conversation) =>
        _live.TryRemove(new KeyValuePair<string, VoiceConversation>(sessionId, conversation));
}
