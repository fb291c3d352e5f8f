using System.Net;
using System.Text.Json;
using Promptly.Tests.Audio;
using Promptly.Tests.Support;

namespace Promptly.Tests.Voice;

/// <summary>
/// Whole voice interviews over the WebSocket: answers spoken by espeak-ng, transcribed by an OpenAI-compatible fake on
/// loopback (which answers with the words of the answer whose length matches the audio it got), replies spoken back.
/// Audio is streamed faster than real time; turns end on the audio's own clock.
/// </summary>
public sealed class VoiceInterviewTests : IAsyncLifetime
{
    private static readonly string[] Answers =
    [
        "I like oat milk in my coffee every morning.",
        "It tastes creamy and it is better for the planet.",
        "I usually buy it at the supermarket near my home.",
        "The price is a little high but worth it.",
        "My family drinks it too, especially the children.",
        "I tried almond milk before but it was too thin.",
        "Foam matters to me when I make a latte.",
        "I would pay more for an organic version.",
        "Sometimes I bake with it on the weekend.",
        "That is all I can think of for now.",
    ];

    private FakeSpeechServer _speech = null!;

    public async Task InitializeAsync() => _speech = await FakeSpeechServer.StartAsync();

    public async Task DisposeAsync() => await _speech.DisposeAsync();

    /// <summary>Settings for a voice server on the fake: no pacing of the interviewer's audio, so tests run at full speed.</summary>
    private Dictionary<string, string?> Settings(Dictionary<string, string?>? more = null) =>
        _speech.Settings(new Dictionary<string, string?>(more ?? []) { ["Voice:AudioLeadMs"] = "3600000" });

    /// <summary>The fake's transcripts: the answers in the order they are spoken.</summary>
    private void TranscribeInOrder()
    {
        var next = 0;
        _speech.Transcribe = _ => Answers[Interlocked.Increment(ref next) - 1];
    }

    private static short[] Spoken(string answer, int silenceMs = 1200) => Signals.Concat(SpeechTracks.Say(answer), new short[16 * silenceMs]);

    [FactWhenInstalled(Needs.EspeakNg)]
    public async Task TenSpokenAnswers_EachTurnDetectedTranscribedAnsweredAndTimed()
    {
        TranscribeInOrder();
        await using var server = new PromptlyFactory(Settings());
        var http = server.CreateClient();
        var session = (await http.StartAsync()).Id();
        await using var voice = await VoiceClient.ConnectAsync(server, session);
        await voice.SendJsonAsync("""{"type":"start","sample_rate":16000}""");

        var ready = await voice.NextAsync("ready");
        Assert.Equal(16000, ready.GetProperty("sample_rate").GetInt32());
        Assert.Equal(0, ready.GetProperty("question_number").GetInt32());
        var greeting = await voice.NextAsync("question");
        await voice.NextAsync("audio_start");
        await voice.NextAsync("audio_end");
        Assert.True(voice.AudioBytes > 0, "the greeting is spoken");

        var asked = 0;
        foreach (var answer in Answers)
        {
            var before = voice.AudioBytes;
            await voice.SendAudioAsync(Spoken(answer), 16000);
            await voice.NextAsync("speech_started");
            await voice.NextAsync("speech_ended");
            Assert.Equal("silence", (await voice.NextAsync("turn_ended")).GetProperty("reason").GetString());
            var transcript = await voice.NextAsync("transcript");
            Assert.Equal(answer, transcript.GetProperty("text").GetString());
            // What was transcribed is the whole answer (started at its pause, while the silence was waited out), not a piece of it.
            var uploaded = _speech.Uploads.Last().Duration.TotalMilliseconds - SpeechTracks.Say(answer).Length / 16.0;
            Assert.InRange(uploaded, 100, 1500);
            Assert.True(transcript.GetProperty("final").GetBoolean());
            var question = await voice.NextAsync("question");
            Assert.Equal(++asked, question.GetProperty("question_number").GetInt32());
            var latency = (await voice.NextAsync("latency")).GetProperty("latency");
            AssertVoicePhasesAddUp(latency);
            if (question.GetProperty("done").GetBoolean()) break;
            await voice.NextAsync("audio_start");
            await voice.NextAsync("audio_end");
            Assert.True(voice.AudioBytes > before, $"reply {asked} is spoken");
        }

        if (asked == Answers.Length) await voice.SendJsonAsync("""{"type":"end_interview"}""");
        await voice.NextAsync("completed");
        await voice.WaitClosedAsync();

        var stored = await http.GetJsonAsync($"/sessions/{session}");
        var lines = stored["transcript"]!.AsArray().Where(l => l!["role"]!.GetValue<string>() == "candidate").Select(l => l!["content"]!.GetValue<string>());
        Assert.Equal(Answers.Take(asked), lines);
        var records = (await http.GetJsonAsync($"/sessions/{session}/latency"))["responses"]!.AsArray();
        Assert.Equal(asked, records.Count(r => r!["channel"]!.GetValue<string>() == "voice"));
        Assert.Equal(greeting.GetProperty("text").GetString(), stored["transcript"]![0]!["content"]!.GetValue<string>());

        // The spoken answers fill the concept graph as typed ones do: its nodes come from the candidate's utterances.
        var spokenIds = stored["transcript"]!.AsArray().Where(l => l!["role"]!.GetValue<string>() == "candidate").Select(l => l!["id"]!.GetValue<string>()).ToHashSet();
        var nodes = (await http.GetJsonAsync($"/sessions/{session}/graph"))["nodes"]!.AsArray();
        Assert.NotEmpty(nodes);
        Assert.All(nodes, n => Assert.All(n!["utterance_ids"]!.AsArray(), u => Assert.Contains(u!.GetValue<string>(), spokenIds)));
    }

    /// <summary>A voice response's phases run from the end of speech to the first audio, and add up to its time.</summary>
    private static void AssertVoicePhasesAddUp(JsonElement latency)
    {
        Assert.Equal("voice", latency.GetProperty("channel").GetString());
        var phases = latency.GetProperty("phases").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetDouble());
        foreach (var phase in new[] { "eot_wait", "stt", "load", "extract", "ai", "tts_first_audio", "persist" }) Assert.Contains(phase, phases.Keys);
        Assert.True(Math.Abs(latency.GetProperty("response_time_ms").GetDouble() - phases.Values.Sum()) < 0.1, latency.ToString());
    }

    [Fact]
    public async Task Connect_UnknownSession_IsA404ProblemBeforeTheUpgrade()
    {
        await using var server = new PromptlyFactory(Settings());
        var http = server.CreateClient();
        await http.GetJsonAsync("/sessions/nope/voice", HttpStatusCode.NotFound);
        await Assert.ThrowsAnyAsync<Exception>(() => VoiceClient.ConnectAsync(server, "nope"));
    }

    [Fact]
    public async Task Connect_EndedSession_IsA409Problem()
    {
        await using var server = new PromptlyFactory(Settings());
        var http = server.CreateClient();
        var session = (await http.StartAsync()).Id();
        await http.PostJsonAsync($"/sessions/{session}/end", new { });
        await http.GetJsonAsync($"/sessions/{session}/voice", HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Connect_WithoutUpgrade_IsA400Problem()
    {
        await using var server = new PromptlyFactory(Settings());
        var http = server.CreateClient();
        var session = (await http.StartAsync()).Id();
        await http.GetJsonAsync($"/sessions/{session}/voice", HttpStatusCode.BadRequest);
    }
}
