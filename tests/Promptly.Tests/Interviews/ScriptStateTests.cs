using Promptly.Interviews;

namespace Promptly.Tests.Interviews;

public sealed class ScriptStateTests
{
    [Fact]
    public void Clone_CopyChanged_OriginalKeepsItsSets()
    {
        var original = Started("a");
        var copy = original.Clone();

        copy.Cover("b");
        copy.MarkAsked("b");
        copy.Explore("b");

        Assert.Equal(["a"], original.Covered.Order());
        Assert.Equal(["a"], original.Asked.Order());
        Assert.Equal(["a"], original.Explored.Order());
        Assert.Equal(["a", "b"], copy.Covered.Order());
        Assert.Equal(["a", "b"], copy.Asked.Order());
        Assert.Equal(["a", "b"], copy.Explored.Order());
    }

    [Fact]
    public void Clone_OriginalChangedAfter_CopyKeepsItsSets()
    {
        var original = Started("a");
        var copy = original.Clone();

        original.Cover("c");
        original.Explore("c");

        Assert.Equal(["a"], copy.Covered.Order());
        Assert.Equal(["a"], copy.Explored.Order());
        Assert.Equal(["a", "c"], original.Covered.Order());
    }

    [Fact]
    public void Clone_NothingNewAdded_SetsStayShared()
    {
        var original = Started("a");
        var copy = original.Clone();

        copy.Cover("a");
        copy.Explore("b");

        // Adding what a set already holds copies nothing; adding something new copies only that set.
        Assert.Same(original.Covered, copy.Covered);
        Assert.Same(original.Asked, copy.Asked);
        Assert.NotSame(original.Explored, copy.Explored);
    }

    [Fact]
    public void Clone_OfACopy_EachGenerationKeepsItsOwn()
    {
        var first = Started("a");
        var second = first.Clone();
        second.Cover("b");
        var third = second.Clone();
        third.Cover("c");
        second.Cover("d");

        Assert.Equal(["a"], first.Covered.Order());
        Assert.Equal(["a", "b", "d"], second.Covered.Order());
        Assert.Equal(["a", "b", "c"], third.Covered.Order());
    }

    [Fact]
    public void Clone_CopiesPosition()
    {
        var original = Started("a");
        original.ProbesOnCurrent = 2;

        var copy = original.Clone();
        copy.CurrentElementId = "b";
        copy.ProbesOnCurrent = 0;

        Assert.Equal("a", original.CurrentElementId);
        Assert.Equal(2, original.ProbesOnCurrent);
    }

    private static ScriptState Started(string element)
    {
        var state = new ScriptState { CurrentElementId = element };
        state.MarkAsked(element);
        state.Explore(element);
        state.Cover(element);
        return state;
    }
}
