using Promptly.Guides;

namespace Promptly.Tests.Guides;

public sealed class AnswerAnalyzerTests
{
    private static readonly InterviewGuide OatMilk = GuideCatalog.Load(new GuideOptions()).Find("oat_milk_v1")!;

    [Fact]
    public void Analyze_CueAndSignals_FindsReasonAndElements()
    {
        var analysis = AnswerAnalyzer.Analyze(OatMilk, "It tastes nutty and the froth is great, which means my coffee feels like a treat");
        Assert.True(analysis.GivesReason);
        Assert.Equal(["taste", "texture"], analysis.ElementIds);
        Assert.Equal(2, analysis.Clauses.Count);
    }

    [Fact]
    public void Analyze_SignalInsideAnotherWord_NotMatched()
    {
        // "thin" is a texture signal; "nothing" contains it but does not start with it.
        var analysis = AnswerAnalyzer.Analyze(OatMilk, "Nothing stands out");
        Assert.Empty(analysis.ElementIds);
        Assert.False(analysis.GivesReason);
    }

    [Fact]
    public void Analyze_CueInTheMiddle_ClausesWithoutTheCue()
    {
        var analysis = AnswerAnalyzer.Analyze(OatMilk, "It's quick, so that I can leave early.");
        Assert.Equal(["It's quick", "I can leave early"], analysis.Clauses);
        Assert.True(analysis.GivesReason);
    }

    [Fact]
    public void Analyze_CueGluedToTheCueBefore_NotAWordStart()
    {
        // "since" follows "meaning" with no space: it starts no word, so the text after "meaning" is one clause.
        var analysis = AnswerAnalyzer.Analyze(OatMilk, "meaningsince the price");
        Assert.Equal(["since the price"], analysis.Clauses);
    }

    [Fact]
    public void Analyze_StartsWithCue_GivesReasonInOneClause()
    {
        var analysis = AnswerAnalyzer.Analyze(OatMilk, "  BECAUSE it is cheap");
        Assert.True(analysis.GivesReason);
        Assert.Equal(["it is cheap"], analysis.Clauses);
        Assert.Equal(4, analysis.WordCount);
    }

    [Fact]
    public void Analyze_SignalsInAnyCase_MatchAnswersInAnyCase()
    {
        var guide = Guide(new GuideElement { Id = "froth", Name = "Froth", Questions = ["?"], Signals = ["Froth", "FOAM"] });
        Assert.Equal(["froth"], AnswerAnalyzer.Analyze(guide, "the FROTH is thick").ElementIds);
        Assert.Equal(["froth"], AnswerAnalyzer.Analyze(guide, "all foam").ElementIds);
        Assert.Empty(AnswerAnalyzer.Analyze(guide, "a defoamer").ElementIds);
    }

    [Fact]
    public void Analyze_BlankSignal_MatchesNothing()
    {
        var guide = Guide(new GuideElement { Id = "froth", Name = "Froth", Questions = ["?"], Signals = ["", "froth"] });
        Assert.Empty(AnswerAnalyzer.Analyze(guide, "it is sweet").ElementIds);
        Assert.Equal(["froth"], AnswerAnalyzer.Analyze(guide, "froth").ElementIds);
    }

    [Fact]
    public void Analyze_Empty_NothingFound()
    {
        var analysis = AnswerAnalyzer.Analyze(OatMilk, "");
        Assert.Empty(analysis.ElementIds);
        Assert.Empty(analysis.Clauses);
        Assert.False(analysis.GivesReason);
        Assert.Equal(0, analysis.WordCount);
    }

    private static InterviewGuide Guide(GuideElement element) =>
        new() { Id = "g", Title = "G", Greeting = "Hi", Closing = "Bye", Elements = [element] };
}
