using Promptly.Graph;
using Promptly.Guides;
using Promptly.Tests.Support;

namespace Promptly.Tests.Graph;

public sealed class ConceptGraphTests
{
    private static readonly InterviewGuide OatMilk = GuideCatalog.Load(new GuideOptions()).Find("oat_milk_v1")!;

    [Theory]
    [InlineData("Well, I think it's creamy!", "creamy")]
    [InlineData("Um", "")]
    [InlineData("  Honestly,   the   froth  holds ", "the froth holds")]
    [InlineData("one two three four five six seven eight, nine ten", "one two three four five six seven eight")]
    [InlineData("Thats fine", "thats fine")]
    public void Label_FillersSpacingAndLength(string clause, string label) => Assert.Equal(label, ConceptGraphBuilder.Label(clause));

    [Fact]
    public void Build_LadderedAnswer_ChainsUpTheMeansEndLevels()
    {
        var graph = ConceptGraphBuilder.Build(OatMilk,
        [
            new CandidateAnswer("u2", "It is creamy because it froths well, so that my morning coffee feels special, which means I start the day happy", "taste"),
        ]);

        Assert.Equal(
            [MeansEndLevel.Attribute, MeansEndLevel.FunctionalConsequence, MeansEndLevel.PsychosocialConsequence, MeansEndLevel.InstrumentalValue],
            graph.Nodes.Select(n => n.Type));
        Assert.Equal(3, graph.Edges.Count);
        Assert.All(graph.Edges, e => Assert.Equal("leads_to", e.Type));
        Assert.Equal("texture", graph.Nodes[0].ElementId);
        Assert.All(graph.Nodes, n => Assert.Equal(["u2"], n.UtteranceIds));
        Assert.Equal(0, graph.Stats.OrphanRatio);
    }

    [Fact]
    public void Build_ClauseNamingSeveralElements_PrefersTheOneAsked()
    {
        // "froth" signals texture and "oaty" taste; the question was about taste.
        var graph = ConceptGraphBuilder.Build(OatMilk, [new CandidateAnswer("u2", "The froth is oaty", "taste")]);
        Assert.Equal("taste", Assert.Single(graph.Nodes).ElementId);
    }

    [Fact]
    public void Build_ProbeAnswer_ContinuesPreviousChain()
    {
        var graph = ConceptGraphBuilder.Build(OatMilk,
        [
            new CandidateAnswer("u2", "Sweet", "taste"),
            new CandidateAnswer("u4", "I avoid sugar in my coffee", "taste"),
        ]);

        Assert.Equal([MeansEndLevel.Attribute, MeansEndLevel.FunctionalConsequence], graph.Nodes.Select(n => n.Type));
        var edge = Assert.Single(graph.Edges);
        Assert.Equal((graph.Nodes[0].Id, graph.Nodes[1].Id), (edge.From, edge.To));
        Assert.Equal(["u4"], graph.Nodes[1].UtteranceIds);
    }

    [Fact]
    public void Build_SameConceptTwice_MergesAndKeepsBothUtterances()
    {
        var graph = ConceptGraphBuilder.Build(OatMilk,
        [
            new CandidateAnswer("u2", "Creamy, because it froths", "texture"),
            new CandidateAnswer("u4", "Creamy, because it froths", "price"),
        ]);

        Assert.Equal(2, graph.Nodes.Count);
        Assert.All(graph.Nodes, n => Assert.Equal(["u2", "u4"], n.UtteranceIds));
    }

    [Fact]
    public async Task NormalInterview_OverApi_LowOrphanRatioAndUtteranceIdsInTranscript()
    {
        await using var factory = new PromptlyFactory();
        var client = factory.CreateClient();
        var id = (await client.StartAsync()).Id();
        string[] answers =
        [
            "Quite sweet",
            "Because I drink it every morning and I want my coffee to taste good",
            "It is creamy and froths well, so that my latte feels like the cafe's",
            "The price seems high because I buy two cartons a week, which means it adds up",
            "The carton looks modern",
            "It stands out on the shelf, so I would notice it",
            "I like that it is plant based because it is better for the planet, which means I feel less guilty",
            "It seems healthy because it has less sugar, so that I keep my energy steady",
        ];
        foreach (var answer in answers)
        {
            if ((await client.TurnAsync(id, answer))["done"]!.GetValue<bool>()) break;
        }

        var graph = await client.GetJsonAsync($"/sessions/{id}/graph");
        var stats = graph["stats"]!;
        Assert.True(stats["orphan_ratio"]!.GetValue<double>() < 0.1, graph.ToJsonString());
        Assert.True(stats["element_coverage"]!.GetValue<double>() >= 0.8, graph.ToJsonString());

        var transcriptIds = (await client.GetJsonAsync($"/sessions/{id}"))["transcript"]!.AsArray()
            .Where(m => m!["role"]!.GetValue<string>() == "candidate").Select(m => m!["id"]!.GetValue<string>()).ToHashSet();
        var nodes = graph["nodes"]!.AsArray();
        Assert.NotEmpty(nodes);
        Assert.All(nodes, n => Assert.All(n!["utterance_ids"]!.AsArray(), u => Assert.Contains(u!.GetValue<string>(), transcriptIds)));
        Assert.Contains(nodes, n => n!["type"]!.GetValue<string>() == MeansEndLevel.Attribute);
        Assert.Contains(nodes, n => n!["type"]!.GetValue<string>() == MeansEndLevel.FunctionalConsequence);
    }
}
