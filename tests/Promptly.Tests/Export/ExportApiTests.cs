using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Promptly.Interviews;
using Promptly.Latency;
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

    // A turn as the voice edge hands it to the core: timed from the end of speech, its end-of-turn wait and transcription first.
    private async Task<string> VoiceSessionAsync()
    {
        var id = (await Client.StartAsync()).Id();
        var time = Factory.Services.GetRequiredService<TimeProvider>();
        var turn = new TurnInput("Sweet, because I like a treat in my coffee", time.GetTimestamp())
        {
            Channel = LatencyChannels.Voice,
            Before = [new PhaseTiming(LatencyPhases.EotWait, 120), new PhaseTiming(LatencyPhases.Stt, 80)],
        };
        await Factory.Services.GetRequiredService<InterviewService>().TakeTurnAsync(id, turn, sink: null, CancellationToken.None);
        return id;
    }

    [Fact]
    public async Task Json_VoiceTurn_LatencyCarriesChannelAndVoicePhases()
    {
        var id = await VoiceSessionAsync();

        var transcript = (await Client.GetJsonAsync($"/sessions/{id}/export?format=json"))["transcript"]!.AsArray();

        var interviewer = transcript.Where(l => l!["role"]!.GetValue<string>() == "interviewer").Select(l => l!["latency"]!).ToList();
        Assert.Equal(["text", "voice"], interviewer.Select(l => l["channel"]!.GetValue<string>()));
        var phases = interviewer[1]["phases"]!.AsObject();
        Assert.Equal([LatencyPhases.EotWait, LatencyPhases.Stt, LatencyPhases.Load], phases.Select(p => p.Key).Take(3));
        Assert.Equal(120, phases[LatencyPhases.EotWait]!.GetValue<double>());
        Assert.Equal(80, phases[LatencyPhases.Stt]!.GetValue<double>());
    }

    [Fact]
    public async Task CsvAndMarkdown_VoiceTurn_ShowChannelAndPhases()
    {
        var id = await VoiceSessionAsync();

        var csv = (await Client.GetStringAsync($"/sessions/{id}/export?format=csv")).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.EndsWith(",channel", csv[0]);
        var replies = csv.Where(l => l.StartsWith("message,", StringComparison.Ordinal) && l.Contains(",interviewer,", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, replies.Count);
        Assert.EndsWith(",text", replies[0]);
        Assert.EndsWith(",voice", replies[1]);
        Assert.Contains("eot_wait=120;stt=80;load=", replies[1]);

        var markdown = await Client.GetStringAsync($"/sessions/{id}/export?format=md");
        Assert.Contains("| Q | channel | response | phases |", markdown);
        Assert.Contains("| 1 | voice | ", markdown);
        Assert.Contains(" | eot_wait 120 ms, stt 80 ms, load ", markdown);
        Assert.Contains("**Interviewer** (Q1, voice, ", markdown);
    }

    [Fact]
    public async Task UnknownFormat_BadRequest_UnknownSession_NotFound()
    {
        await Client.GetJsonAsync($"/sessions/{_id}/export?format=xml", HttpStatusCode.BadRequest);
        await Client.GetJsonAsync("/sessions/nope/export", HttpStatusCode.NotFound);
    }
}
