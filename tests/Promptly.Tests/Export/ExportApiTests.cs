using System.Net;
using Promptly.Tests.Support;

namespace Promptly.Tests.Export;

public sealed class ExportApiTests : ApiTestBase
{
    private string _id = "";

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        _id = (await Client.StartAsync(candidate: "Ada, \"the\" first")).Id();
        await Client.TurnAsync(_id, "Sweet, because I like a treat in my coffee");
        await Client.TurnAsync(_id, "Creamy");
    }

    [Fact]
    public async Task Json_TranscriptWithLatencyGraphAndCompliance()
    {
        var export = await Client.GetJsonAsync($"/sessions/{_id}/export?format=json");
        var transcript = export["transcript"]!.AsArray();
        Assert.Equal(5, transcript.Count);
        foreach (var line in transcript.Where(l => l!["role"]!.GetValue<string>() == "interviewer"))
        {
            Assert.True(line!["latency"]!["response_time_ms"]!.GetValue<double>() > 0);
        }

        Assert.All(transcript.Where(l => l!["role"]!.GetValue<string>() == "candidate"), l => Assert.Null(l!["latency"]));
        Assert.NotEmpty(export["graph"]!["nodes"]!.AsArray());
        Assert.Equal(3, export["compliance"]!["total_responses"]!.GetValue<int>());
    }

    [Fact]
    public async Task Csv_OneRowPerMessageNodeAndEdge_QuotesCommas()
    {
        using var response = await Client.GetAsync($"/sessions/{_id}/export?format=csv");
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        var lines = (await response.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("section,id,", lines[0]);
        Assert.Equal(5, lines.Count(l => l.StartsWith("message,", StringComparison.Ordinal)));
        Assert.Contains(lines, l => l.StartsWith("node,", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("compliance,", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("\"Sweet, because I like a treat in my coffee\"", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Markdown_HasTranscriptAndComplianceSections()
    {
        using var response = await Client.GetAsync($"/sessions/{_id}/export?format=md");
        Assert.Equal("text/markdown", response.Content.Headers.ContentType?.MediaType);
        var text = await response.Content.ReadAsStringAsync();
        Assert.Contains("Session latency: 100.0% within budget (3/3 responses)", text);
        Assert.Contains("Creamy", text);
    }

    [Fact]
    public async Task UnknownFormat_BadRequest_UnknownSession_NotFound()
    {
        await Client.GetJsonAsync($"/sessions/{_id}/export?format=xml", HttpStatusCode.BadRequest);
        await Client.GetJsonAsync("/sessions/nope/export", HttpStatusCode.NotFound);
    }
}
