using System.Net.WebSockets;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;

namespace Promptly.Tests.Support;

/// <summary>
/// A test's voice client over the in-memory server's WebSocket, or a real one: sends PCM16 and JSON messages, and
/// reads the server's events in order, collecting the interviewer's audio that arrives between <c>audio_start</c> and
/// its end.
/// </summary>
public sealed class VoiceClient : IAsyncDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);
    private readonly WebSocket _socket;
    private readonly Channel<JsonElement> _events = Channel.CreateUnbounded<JsonElement>();
    private readonly Task _receiving;
    private readonly List<byte> _audio = [];

    private VoiceClient(WebSocket socket)
    {
        _socket = socket;
        _receiving = ReceiveAsync();
    }

    /// <summary>Every event read so far, in order.</summary>
    public List<JsonElement> Seen { get; } = [];

    /// <summary>Interviewer audio bytes received so far (PCM16 at the session's rate).</summary>
    public int AudioBytes
    {
        get
        {
            lock (_audio) return _audio.Count;
        }
    }

    public WebSocketCloseStatus? CloseStatus => _socket.CloseStatus;

    /// <summary>
    /// Connects with <paramref name="token"/> (a candidate's session token) or, by default, the test servers' operator
    /// key; in the <c>access_token</c> query parameter with <paramref name="inQuery"/>, as a browser must.
    /// </summary>
    public static async Task<VoiceClient> ConnectAsync(PromptlyFactory factory, string sessionId, string? token = null, bool inQuery = false)
    {
        var client = factory.Server.CreateWebSocketClient();
        var bearer = token ?? PromptlyFactory.OperatorKey;
        if (!inQuery) client.ConfigureRequest = request => request.Headers.Authorization = $"Bearer {bearer}";
        var path = inQuery ? $"sessions/{sessionId}/voice?access_token={Uri.EscapeDataString(bearer)}" : $"sessions/{sessionId}/voice";
        var socket = await client.ConnectAsync(new Uri(factory.Server.BaseAddress, path), CancellationToken.None);
        return new VoiceClient(socket);
    }

    /// <summary>A client over a real socket, for a server in a process of its own, sending <paramref name="bearerKey"/> with the upgrade.</summary>
    /// <param name="url">The session's socket, <c>ws://HOST:PORT/sessions/{id}/voice</c>.</param>
    public static async Task<VoiceClient> ConnectAsync(Uri url, string bearerKey)
    {
        var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("Authorization", $"Bearer {bearerKey}");
        try
        {
            using var timeout = new CancellationTokenSource(Patience);
            await socket.ConnectAsync(url, timeout.Token);
            return new VoiceClient(socket);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public Task SendJsonAsync(string json) => _socket.SendAsync(Encoding.UTF8.GetBytes(json), WebSocketMessageType.Text, true, CancellationToken.None);

    public Task SendBytesAsync(byte[] bytes) => _socket.SendAsync(bytes, WebSocketMessageType.Binary, true, CancellationToken.None);

    /// <summary>
    /// Sends <paramref name="bytes"/> as one message of <paramref name="type"/> split over <paramref name="frames"/>
    /// frames, whatever they hold; false when the socket no longer takes messages (the server closed it).
    /// </summary>
    public async Task<bool> TrySendAsync(byte[] bytes, WebSocketMessageType type, int frames = 1)
    {
        try
        {
            for (var i = 0; i < frames; i++)
            {
                var piece = bytes.AsMemory(bytes.Length * i / frames, bytes.Length * (i + 1) / frames - bytes.Length * i / frames);
                using var timeout = new CancellationTokenSource(Patience);
                await _socket.SendAsync(piece, type, i == frames - 1, timeout.Token);
            }

            return true;
        }
        catch (Exception e) when (e is WebSocketException or InvalidOperationException or IOException or ObjectDisposedException)
        {
            return false;
        }
    }

    /// <summary>Sends <paramref name="samples"/> (PCM16 at <paramref name="rate"/>) in frames of <paramref name="frameMs"/>, as fast as the socket takes them.</summary>
    public async Task SendAudioAsync(short[] samples, int rate, int frameMs = 20)
    {
        var frame = rate * frameMs / 1000;
        for (var offset = 0; offset < samples.Length; offset += frame)
        {
            var piece = samples.AsMemory(offset, Math.Min(frame, samples.Length - offset));
            using var timeout = new CancellationTokenSource(Patience);
            await _socket.SendAsync(MemoryMarshal.AsBytes(piece.Span).ToArray(), WebSocketMessageType.Binary, true, timeout.Token);
        }
    }

    /// <summary>The next event of <paramref name="type"/>; the ones before it are kept in <see cref="Seen"/>.</summary>
    public async Task<JsonElement> NextAsync(string type)
    {
        using var timeout = new CancellationTokenSource(Patience);
        while (true)
        {
            JsonElement e;
            try
            {
                e = await _events.Reader.ReadAsync(timeout.Token);
            }
            catch (ChannelClosedException closed) when (closed.InnerException is { } failure)
            {
                throw new InvalidOperationException($"Reading the socket failed before a '{type}' event; seen: {Types()}", failure);
            }
            catch (ChannelClosedException)
            {
                throw new InvalidOperationException($"The socket closed ({_socket.CloseStatus}) before a '{type}' event; seen: {Types()}");
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"No '{type}' event within {Patience.TotalSeconds} s; seen: {Types()}");
            }

            if (e.GetProperty("type").GetString() == type) return e;
        }
    }

    /// <summary>Waits until the server closes the socket; the events it sent are all in <see cref="Seen"/>.</summary>
    public async Task WaitClosedAsync()
    {
        await _receiving.WaitAsync(Patience);
    }

    public string Types() => string.Join(", ", Seen.Select(e => e.GetProperty("type").GetString()));

    private async Task ReceiveAsync()
    {
        var buffer = new byte[256 * 1024];
        try
        {
            while (true)
            {
                var length = 0;
                ValueWebSocketReceiveResult result;
                do
                {
                    result = await _socket.ReceiveAsync(buffer.AsMemory(length), CancellationToken.None);
                    length += result.Count;
                }
                while (!result.EndOfMessage && result.MessageType != WebSocketMessageType.Close);

                if (result.MessageType == WebSocketMessageType.Close) break;
                if (result.MessageType == WebSocketMessageType.Binary)
                {
                    lock (_audio) _audio.AddRange(buffer.AsSpan(0, length));
                    continue;
                }

                var e = JsonDocument.Parse(buffer.AsMemory(0, length)).RootElement.Clone();
                lock (Seen) Seen.Add(e);
                _events.Writer.TryWrite(e);
            }
        }
        catch (Exception e) when (e is not WebSocketException)
        {
            _events.Writer.TryComplete(e);
        }
        finally
        {
            _events.Writer.TryComplete();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_socket.State == WebSocketState.Open)
        {
            // A test that failed may leave a server that no longer answers a close: give it a moment, then cut it off.
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try
            {
                await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", timeout.Token).WaitAsync(timeout.Token);
            }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException or ObjectDisposedException)
            {
            }
        }

        _socket.Abort();
        _socket.Dispose();
    }
}
