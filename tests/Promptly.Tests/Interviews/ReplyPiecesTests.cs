using Promptly.Interviews;

namespace Promptly.Tests.Interviews;

/// <summary>The pieces a streamed reply is sent in add up to the stored (trimmed) reply.</summary>
public sealed class ReplyPiecesTests
{
    [Fact]
    public async Task Append_SurroundingWhitespace_PiecesAddUpToTrimmedText()
    {
        var sink = new ListSink();
        var pieces = new ReplyPieces(sink);
        string[] parts = ["  ", "\nHello", " there ", " ", "friend.", "  \n"];

        foreach (var part in parts) await pieces.AppendAsync(part, CancellationToken.None);

        Assert.Equal(string.Concat(parts).Trim(), string.Concat(sink.Pieces));
        Assert.DoesNotContain("", sink.Pieces);
    }

    [Fact]
    public async Task Restart_AfterPieces_ResetsOnceAndStartsAfresh()
    {
        var sink = new ListSink();
        var pieces = new ReplyPieces(sink);
        await pieces.RestartAsync(CancellationToken.None);
        await pieces.AppendAsync("Half a ", CancellationToken.None);

        await pieces.ReplaceAsync("The fallback.", CancellationToken.None);

        Assert.Equal(["Half a", "<reset>", "The fallback."], sink.Pieces);
    }

    private sealed class ListSink : IReplySink
    {
        public List<string> Pieces { get; } = [];

        public TimeSpan WriteTime => TimeSpan.Zero;
        public string CompletePhase => Promptly.Latency.LatencyPhases.Stream;

        public ValueTask CompleteAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public ValueTask OpenAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public ValueTask WriteAsync(string piece, CancellationToken cancellationToken)
        {
            Pieces.Add(piece);
            return ValueTask.CompletedTask;
        }

        public ValueTask ResetAsync(CancellationToken cancellationToken)
        {
            Pieces.Add("<reset>");
            return ValueTask.CompletedTask;
        }
    }
}
