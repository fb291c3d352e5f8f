using System.Net.WebSockets;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Promptly.Voice;

/// <summary>
/// The sending side of a voice socket: events and audio from the receive loop, the responder and timers go out one
/// message at a time (a WebSocket allows one send at a time). A socket that is gone makes every send a no-op.
/// </summary>
/// <remarks>
/// A caller's token stops its wait for its turn to send, never a send under way: a WebSocket whose send is cancelled
/// is aborted, so a barge-in that stopped the interviewer's audio while a frame was going out (a client reading slowly)
/// would cut the whole conversation off. Only <paramref name="closed"/>, the conversation's end, cuts a send short.
/// </remarks>
internal sealed class VoiceSocket(WebSocket socket, CancellationToken closed)
{
    private readonly SemaphoreSlim _send = new(1, 1);

    public bool IsOpen => socket.State == WebSocketState.Open;

    public ValueTask SendAsync<T>(T message, JsonTypeInfo<T> type, CancellationToken cancellationToken) =>
        SendAsync(JsonSerializer.SerializeToUtf8Bytes(message, type), WebSocketMessageType.Text, cancellationToken);

    public ValueTask SendAudioAsync(ReadOnlyMemory<byte> pcm, CancellationToken cancellationToken) =>
        SendAsync(pcm, WebSocketMessageType.Binary, cancellationToken);

    private async ValueTask SendAsync(ReadOnlyMemory<byte> message, WebSocketMessageType kind, CancellationToken cancellationToken)
    {
        await _send.WaitAsync(cancellationToken);
        try
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (IsOpen) await socket.SendAsync(message, kind, endOfMessage: true, closed);
        }
        catch (WebSocketException)
        {
            // The client is gone; the receive loop sees it too and ends the conversation.
        }
        finally
        {
            _send.Release();
        }
    }

    /// <summary>Closes with <paramref name="status"/> unless the socket is already closing; never throws for a client that left.</summary>
    public async Task CloseAsync(WebSocketCloseStatus status, string description, CancellationToken cancellationToken)
    {
        await _send.WaitAsync(cancellationToken);
        try
        {
            if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                await socket.CloseOutputAsync(status, description, cancellationToken);
            }
        }
        catch (WebSocketException)
        {
        }
        finally
        {
            _send.Release();
        }
    }
}
