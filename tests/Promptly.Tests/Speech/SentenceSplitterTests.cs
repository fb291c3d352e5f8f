using Promptly.Speech;

namespace Promptly.Tests.Speech;

public sealed class SentenceSplitterTests
{
    public static TheoryData<string, string[]> Replies => new()
    {
        { "Hello there. How are you?", ["Hello there.", "How are you?"] },
        { "Great! Next one.", ["Great!", "Next one."] },
        { "Really?! Tell me more.", ["Really?!", "Tell me more."] },
        { "She said \"yes.\" Then she left.", ["She said \"yes.\"", "Then she left."] },
        { "(That was hard.) Why?", ["(That was hard.)", "Why?"] },
        { "Talk to Dr. Smith about it. Thanks.", ["Talk to Dr. Smith about it.", "Thanks."] },
        { "Use a tool, e.g. Git or Mercurial. Which one?", ["Use a tool, e.g. Git or Mercurial.", "Which one?"] },
        { "It took 3.5 years. Was it worth it?", ["It took 3.5 years.", "Was it worth it?"] },
        { "Well... maybe not. Go on.", ["Well... maybe not.", "Go on."] },
        { "Ask J. R. Smith. He knows.", ["Ask J. R. Smith.", "He knows."] },
        { "Version 2.0.1 shipped.", ["Version 2.0.1 shipped."] },
        { "First point\n\nSecond point.", ["First point", "Second point."] },
        { "  Leading space. ", ["Leading space."] },
        { "No ending punctuation", ["No ending punctuation"] },
        { "", [] },
    };

    [Theory]
    [MemberData(nameof(Replies))]
    public void Push_WholeReply_GivesItsSentences(string reply, string[] sentences) =>
        Assert.Equal(sentences, Split([reply]));

    [Theory]
    [MemberData(nameof(Replies))]
    public void Push_ReplyCutAnywhere_GivesTheSameSentences(string reply, string[] sentences)
    {
        Assert.Equal(sentences, Split(reply.Select(c => c.ToString())));
        for (var cut = 0; cut <= reply.Length; cut++)
        {
            for (var second = cut; second <= reply.Length; second++)
                Assert.Equal(sentences, Split([reply[..cut], reply[cut..second], reply[second..]]));
        }
    }

    [Fact]
    public void Push_SentenceComplete_ReleasesItBeforeTheReplyEnds()
    {
        var splitter = new SentenceSplitter();

        Assert.Empty(splitter.Push("Good answer."));
        Assert.Empty(splitter.Push(" "));
        Assert.Equal(["Good answer."], splitter.Push("Now"));
        Assert.Equal("Now", splitter.Flush());
        Assert.Null(splitter.Flush());
    }

    [Fact]
    public async Task SplitAsync_StreamedPieces_YieldsSentencesThenTheRest()
    {
        var sentences = new List<string>();
        await foreach (var sentence in SentenceSplitter.SplitAsync(Pieces("Fine. Wh", "at next? And", " then"), CancellationToken.None)) sentences.Add(sentence);

        Assert.Equal(["Fine.", "What next?", "And then"], sentences);
    }

    private static List<string> Split(IEnumerable<string> pieces)
    {
        var splitter = new SentenceSplitter();
        var sentences = pieces.SelectMany(splitter.Push).ToList();
        if (splitter.Flush() is { } last) sentences.Add(last);
        return sentences;
    }

    private static async IAsyncEnumerable<string> Pieces(params string[] pieces)
    {
        foreach (var piece in pieces)
        {
            await Task.Yield();
            yield return piece;
        }
    }
}
