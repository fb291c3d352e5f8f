using System.Net;
using Promptly.Guides;
using Promptly.Tests.Support;

namespace Promptly.Tests.Guides;

public sealed class GuideCatalogTests
{
    [Fact]
    public void BuiltIn_ThreeValidGuides()
    {
        var catalog = GuideCatalog.Load(new GuideOptions());
        Assert.Equal(["customer_support_screening", "oat_milk_v1", "software_engineer_practice"], catalog.Ids);
        var oat = catalog.Find("oat_milk_v1")!;
        Assert.Equal(["taste", "texture", "price", "packaging", "sustainability", "health"], oat.Elements.Select(e => e.Id));
        Assert.Equal(10, catalog.Find("software_engineer_practice")!.Elements.Count);
        Assert.Equal("screening", catalog.Find("customer_support_screening")!.Kind);
        Assert.All(catalog.All, g => Assert.InRange(g.MaxTurns, 1, InterviewGuide.MaxTurnsCeiling));
    }

    [Fact]
    public void Parse_JsonWithDefaults_TargetCoverageAndMaxTurnsDefault()
    {
        var guide = GuideCatalog.Parse("""
            { "id": "mini", "title": "Mini", "greeting": "Hi.", "closing": "Bye.",
              "elements": [ { "id": "a", "name": "A", "questions": ["Q?"] } ] }
            """, "mini.json");
        Assert.Equal(0.8, guide.TargetCoverage);
        Assert.Equal(20, guide.MaxTurns);
        Assert.Equal(["Why does that matter to you?"], guide.Elements[0].Probes);
    }

    [Fact]
    public void Parse_MaxTurnsOverCeiling_CappedAtThirty()
    {
        var guide = GuideCatalog.Parse("""
            id: long
            title: Long
            greeting: Hi.
            closing: Bye.
            max_turns: 50
            elements:
              - { id: a, name: A, questions: ["Q?"] }
            """, "long.yaml");
        Assert.Equal(30, guide.MaxTurns);
    }

    [Theory]
    [InlineData("id: x\ntitle: X\ngreeting: Hi\nclosing: Bye\nelements: []", "no elements")]
    [InlineData("id: x\ntitle: X\ngreeting: Hi\nclosing: Bye\ncolour: red\nelements: [{id: a, name: A, questions: [q]}]", "colour")]
    [InlineData("id: x\ntitle: X\ngreeting: Hi\nclosing: Bye\ntarget_coverage: 2\nelements: [{id: a, name: A, questions: [q]}]", "target_coverage")]
    [InlineData("id: x\ntitle: X\ngreeting: Hi\nclosing: Bye\nelements: [{id: a, name: A, questions: []}]", "no questions")]
    [InlineData("{ not json", "bad.yaml")]
    public void Parse_InvalidGuide_ErrorNamesFileAndProblem(string text, string expected)
    {
        var error = Assert.Throws<InvalidDataException>(() => GuideCatalog.Parse(text, "bad.yaml"));
        Assert.Contains("bad.yaml", error.Message);
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public async Task Folder_CustomGuide_ServedAndInterviewable()
    {
        var folder = Directory.CreateTempSubdirectory("promptly-guides").FullName;
        await File.WriteAllTextAsync(Path.Combine(folder, "coffee.yml"), """
            id: coffee_shop
            title: Coffee shop visit
            greeting: Hello!
            closing: Thanks!
            elements:
              - id: drink
                name: Drink
                questions: ["What did you order?"]
                signals: [latte, espresso]
            """);
        await using var factory = new PromptlyFactory(new() { ["Guides:Folder"] = folder });
        var client = factory.CreateClient();
        var concept = await client.GetJsonAsync("/concepts/coffee_shop");
        Assert.Equal("Coffee shop visit", concept["title"]!.GetValue<string>());
        var session = await client.StartAsync("coffee_shop");
        Assert.Equal("Hello! What did you order?", session["message"]!.GetValue<string>());
        var turn = await client.TurnAsync(session.Id(), "A latte, because espresso alone is too strong for me in the morning");
        Assert.True(turn["done"]!.GetValue<bool>());
        Assert.Equal("Thanks!", turn["message"]!.GetValue<string>());
        await client.GetJsonAsync("/concepts/nope", HttpStatusCode.NotFound);
    }
}
