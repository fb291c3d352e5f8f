using System.Net.WebSockets;
using Promptly.Voice;

namespace Promptly.Tests.Voice;

/// <summary>
/// The voice socket's sends against a real WebSocket (the runtime's own, over a stream whose writes wait until the test
/// lets them through, as a slow client's connection does): a barge-in never aborts it, the conversation's end cuts a
/// send short.
/// </summary>
public sealed class VoiceSocketTests : IDisposable
{
    /// <summary>How long a send may take to end once it can: a guard against a hang, never reached when it passes.</summary>
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private readonly GatedStream _stream = new();
    private readonly WebSocket _webSocket;
    private readonly CancellationTokenSource _lifetime = new();
    private readonly CancellationTokenSource _interrupt = new();
    private readonly VoiceSocket _socket;

    public VoiceSocketTests()
    {
        _webSocket = WebSocket.CreateFromStream(_stream, new WebSocketCreationOptions { IsServer = true, KeepAliveInterval = TimeSpan.Zero });
        _socket = new VoiceSocket(_webSocket, _lifetime.Token);
    }

    public void Dispose()
    {
        _webSocket.Dispose();
        _lifetime.Dispose();
        _interrupt.Dispose();
    }

    [Fact]
    public async Task SendAudio_InterruptedWhileItsFrameGoesOut_FinishesTheFrameAndKeepsTheSocketOpen()
    {
        var sending = _socket.SendAudioAsync(new byte[640], _interrupt.Token).AsTask();
        await _stream.Writing.WaitAsync(Patience);

        await _interrupt.CancelAsync();
        Assert.Equal(WebSocketState.Open, _webSocket.State);

        _stream.Open();
        await sending.WaitAsync(Patience);
        Assert.Equal(WebSocketState.Open, _webSocket.State);
        Assert.True(_stream.Written > 640, $"the frame went out whole: {_stream.Written} bytes");
    }

    [Fact]
    public async Task SendAudio_InterruptedWhileWaitingForItsTurn_SendsNothing()
    {
        var first = _socket.SendAudioAsync(new byte[640], CancellationToken.None).AsTask();
        await _stream.Writing.WaitAsync(Patience);
        var second = _socket.SendAudioAsync(new byte[640], _interrupt.Token).AsTask();

        await _interrupt.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => second.WaitAsync(Patience));

        _stream.Open();
        await first.WaitAsync(Patience);
        var oneFrame = _stream.Written;
        Assert.InRange(oneFrame, 641, 700);
        Assert.Equal(WebSocketState.Open, _webSocket.State);
    }

    [Fact]
    public async Task Send_TheConversationEnds_CutsTheSendShort()
    {
        var sending = _socket.SendAudioAsync(new byte[640], _interrupt.Token).AsTask();
        await _stream.Writing.WaitAsync(Patience);

        await _lifetime.CancelAsync();

        // A client that stopped reading cannot hold the conversation's end up.
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => sending.WaitAsync(Patience));
    }

    /// <summary>A connection whose writes wait until <see cref="Open"/>; reads return nothing until it is disposed.</summary>
    private sealed class GatedStream : Stream
    {
        private readonly TaskCompletionSource _writing = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _open = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _disposed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _written;

        /// <summary>Completes when the first write has started.</summary>
        public Task Writing => _writing.Task;

        public int Written => Volatile.Read(ref _written);

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public void Open() => _open.TrySetResult();

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            _writing.TrySetResult();
            await _open.Task.WaitAsync(cancellationToken);
            Interlocked.Add(ref _written, buffer.Length);
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await _disposed.Task.WaitAsync(cancellationToken);
            return 0;
        }

        protected override void Dispose(bool disposing)
        {
            _disposed.TrySetResult();
            base.Dispose(disposing);
        }

        public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
