using System.Net;
using System.Net.WebSockets;
using System.Text.Json;

namespace Promptly.Load.Voice;

/// <summary>
/// A client's voice socket to a Promptly server (<c>GET /sessions/{id}/voice</c>): JSON messages and PCM16 frames out,
/// the server's events and the interviewer's audio in.
/// </summary>
/// <remarks>
/// A WebSocket allows one send and one receive at a time: one caller sends (the talk loop, or the load's pacer), one
/// receive loop reads. Nothing here allocates per audio frame: frames go out from the caller's memory and come in
/// through one buffer that the next receive reuses.
/// </remarks>
internal sealed class VoiceConnection : IAsyncDisposable
{
    private const int MaxMessageBytes = 1 << 20;
    private static readonly TimeSpan ClosePatience = TimeSpan.FromSeconds(5);

    private readonly ClientWebSocket _socket;
    private byte[] _buffer = new byte[16 * 1024];

    private VoiceConnection(ClientWebSocket socket) => _socket = socket;

    /// <summary>The rates the server accepts in <c>start</c>.</summary>
    public static IReadOnlyList<int> AcceptedRates { get; } = [8000, 16000, 24000, 48000];

    public static bool IsAccepted(int rate) => rate is 8000 or 16000 or 24000 or 48000;

    /// <summary>The socket's address under <paramref name="server"/> (a base ending in '/'): http becomes ws, https wss.</summary>
    public static Uri SocketUri(Uri server, string sessionId)
    {
        var builder = new UriBuilder(new Uri(server, "sessions/" + Uri.EscapeDataString(sessionId) + "/voice"));
        builder.Scheme = builder.Scheme == Uri.UriSchemeHttps ? "wss" : "ws";
        return builder.Uri;
    }

    /// <summary>Opens the session's voice socket with <paramref name="bearer"/>: the candidate's session token, or an operator key.</summary>
    /// <exception cref="VoiceConnectException">The server refused the upgrade (404 unknown session, 409 ended, 401/403 credentials) or could not be reached.</exception>
    public static async Task<VoiceConnection> ConnectAsync(Uri server, string sessionId, string? bearer, CancellationToken cancellationToken)
    {
        var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        if (!string.IsNullOrEmpty(bearer)) socket.Options.SetRequestHeader("Authorization", $"Bearer {bearer}");
        try
        {
            await socket.ConnectAsync(SocketUri(server, sessionId), cancellationToken);
            return new VoiceConnection(socket);
        }
        catch (WebSocketException e) when (!cancellationToken.IsCancellationRequested)
        {
            var status = socket.HttpStatusCode;
            socket.Dispose();
            throw status switch
            {
                HttpStatusCode.NotFound => new VoiceConnectException("HTTP 404", $"Session '{sessionId}' does not exist on {server}.", e),
                HttpStatusCode.Conflict => new VoiceConnectException("HTTP 409", $"Session '{sessionId}' has ended; start a new one (leave out --session).", e),
                HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => new VoiceConnectException(
                    $"HTTP {(int)status}", $"The server at {server} refused the credentials for session '{sessionId}'; set {ServerKey.Variable} to an operator key.", e),
                0 => new VoiceConnectException("connection error", $"The server at {server} could not be reached: {Innermost(e).Message}", e),
                _ => new VoiceConnectException($"HTTP {(int)status}", $"The server at {server} refused the voice socket with HTTP {(int)status}.", e),
            };
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public bool IsOpen => _socket.State == WebSocketState.Open;

    public Task SendAsync(VoiceMessage message, CancellationToken cancellationToken) =>
        _socket.SendAsync(JsonSerializer.SerializeToUtf8Bytes(message, VoiceJson.Default.VoiceMessage), WebSocketMessageType.Text, true, cancellationToken);

    /// <summary>One frame of PCM16 little-endian audio at the rate sent in <c>start</c>.</summary>
    public ValueTask SendAudioAsync(ReadOnlyMemory<byte> pcm, CancellationToken cancellationToken) =>
        _socket.SendAsync(pcm, WebSocketMessageType.Binary, true, cancellationToken);

    /// <summary>
    /// The next message: an event, or audio (valid until the next call), or <see cref="VoiceReceived.Closed"/> when the
    /// server closed the socket.
    /// </summary>
    /// <exception cref="WebSocketException">The connection broke.</exception>
    /// <exception cref="JsonException">A text message that is not an event.</exception>
    public async ValueTask<VoiceReceived> ReceiveAsync(CancellationToken cancellationToken)
    {
        var length = 0;
        while (true)
        {
            if (length == _buffer.Length)
            {
                if (_buffer.Length >= MaxMessageBytes) throw new InvalidDataException($"A message of the server is over {MaxMessageBytes} bytes.");
                Array.Resize(ref _buffer, _buffer.Length * 2);
            }

            var result = await _socket.ReceiveAsync(_buffer.AsMemory(length), cancellationToken);
            length += result.Count;
            if (result.MessageType == WebSocketMessageType.Close) return VoiceReceived.Closed;
            if (!result.EndOfMessage) continue;
            if (result.MessageType == WebSocketMessageType.Binary) return new VoiceReceived(null, _buffer.AsMemory(0, length));
            var e = JsonSerializer.Deserialize(_buffer.AsSpan(0, length), VoiceJson.Default.VoiceEvent) ?? throw new JsonException("A null event.");
            return new VoiceReceived(e, default);
        }
    }

    /// <summary>Says goodbye (a normal close), without waiting long for a server that no longer answers.</summary>
    public async Task CloseAsync(CancellationToken cancellationToken)
    {
        if (_socket.State is not (WebSocketState.Open or WebSocketState.CloseReceived)) return;
        using var patience = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        patience.CancelAfter(ClosePatience);
        try
        {
            await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "done", patience.Token);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException)
        {
            // Gone already: disposing aborts what is left.
        }
    }

    public ValueTask DisposeAsync()
    {
        _socket.Abort();
        _socket.Dispose();
        return ValueTask.CompletedTask;
    }

    private static Exception Innermost(Exception e) => e.InnerException is { } inner ? Innermost(inner) : e;
}

/// <summary>What <see cref="VoiceConnection.ReceiveAsync"/> read: an event, or audio when <see cref="Event"/> is null.</summary>
internal readonly record struct VoiceReceived(VoiceEvent? Event, ReadOnlyMemory<byte> Audio, bool IsClosed = false)
{
    public static VoiceReceived Closed => new(null, default, IsClosed: true);
}

/// <summary>The voice socket could not be opened; <see cref="Kind"/> groups it among errors ("HTTP 404", "connection error").</summary>
internal sealed class VoiceConnectException(string kind, string message, Exception inner) : Exception(message, inner)
{
    public string Kind { get; } = kind;
}
