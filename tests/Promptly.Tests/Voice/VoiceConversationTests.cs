using System.Net;
using System.Net.WebSockets;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Time.Testing;
using Promptly.Audio;
using Promptly.Tests.Audio;
using Promptly.Tests.Support;

namespace Promptly.Tests.Voice;

/// <summary>
/// What a voice socket does around the happy path: barge-in, reconnects, a client that leaves mid-turn, long turns,
/// bad messages and failing speech providers. Speech by espeak-ng; transcription and synthesis by a loopback fake.
/// </summary>
public sealed class VoiceConversationTests : IAsyncLifetime
{
    private const string Answer = "I like oat milk in my coffee every morning.";
    private FakeSpeechServer _speech = null!;

    public async Task InitializeAsync()
    {
        _speech = await FakeSpeechServer.StartAsync();
        _speech.Transcribe = _ => Answer;
    }

    public async Task DisposeAsync() => await _speech.DisposeAsync();

    private PromptlyFactory Server(params (string Key, string? Value)[] settings) => Server(chat: null, settings);

    private PromptlyFactory Server(IChatClient? chat, params (string Key, string? Value)[] settings)
    {
        var all = _speech.Settings(new Dictionary<string, string?> { ["Voice:AudioLeadMs"] = "3600000" });
        foreach (var (key, value) in settings) all[key] = value;
        return new PromptlyFactory(all, chat);
    }

    /// <summary>A session and a voice socket past its greeting.</summary>
    private static async Task<(string Session, VoiceClient Voice, HttpClient Http)> OpenAsync(PromptlyFactory server, int rate = 16000)
    {
        var http = server.CreateClient();
        var session = (await http.StartAsync()).Id();
        var voice = await VoiceClient.ConnectAsync(server, session);
        await voice.SendJsonAsync($$"""{"type":"start","sample_rate":{{rate}}}""");
        await voice.NextAsync("ready");
        await voice.NextAsync("question");
        await voice.NextAsync("audio_end");
        return (session, voice, http);
    }

    private static short[] Spoken(string text, int silenceMs = 1200) => Signals.Concat(SpeechTracks.Say(text), new short[16 * silenceMs]);

    [FactWhenInstalled(Needs.EspeakNg)]
    public async Task Speaking_WhileTheInterviewerSpeaks_StopsItsAudio()
    {
        // Real-time pacing and a long reply (100 ms of audio per character), so the reply is still going out when the candidate speaks.
        _speech.SpeechSamplesPerChar = 2400;
        await using var server = Server(("Voice:AudioLeadMs", "0"));
        var http = server.CreateClient();
        var session = (await http.StartAsync()).Id();
        await using var voice = await VoiceClient.ConnectAsync(server, session);
        await voice.SendJsonAsync("""{"type":"start","sample_rate":16000}""");
        var greeting = await voice.NextAsync("question");
        await voice.NextAsync("audio_start");

        await voice.SendAudioAsync(SpeechTracks.Say(Answer), 16000);
        await voice.NextAsync("speech_started");
        await voice.NextAsync("interrupted");

        var full = greeting.GetProperty("text").GetString()!.Length * 2400 * 2 * 16 / 24;
        Assert.True(voice.AudioBytes < full / 2, $"sending stopped early: {voice.AudioBytes} of {full} bytes");
        Assert.DoesNotContain("audio_end", voice.Types());
    }

    /// <summary>
    /// A session whose greeting was answered by voice on <paramref name="answeredOn"/>, then a new socket to
    /// <paramref name="reconnectTo"/> that has been told the standing question: the one asked, not asked anew.
    /// </summary>
    private static async Task<(string Session, string Greeting, string Asked, VoiceClient Again)> AnswerThenReconnectAsync(
        PromptlyFactory answeredOn, PromptlyFactory reconnectTo)
    {
        var (session, voice, _) = await OpenAsync(answeredOn);
        var greeting = voice.Seen.Single(e => e.GetProperty("type").GetString() == "question").GetProperty("text").GetString()!;
        await voice.SendAudioAsync(Spoken(Answer), 16000);
        var asked = (await voice.NextAsync("question")).GetProperty("text").GetString()!;
        await voice.NextAsync("audio_end");
        await voice.DisposeAsync();

        var again = await VoiceClient.ConnectAsync(reconnectTo, session);
        await again.SendJsonAsync("""{"type":"start","sample_rate":16000}""");
        Assert.Equal(1, (await again.NextAsync("ready")).GetProperty("question_number").GetInt32());
        var standing = await again.NextAsync("question");
        Assert.Equal(asked, standing.GetProperty("text").GetString());
        Assert.Equal(1, standing.GetProperty("question_number").GetInt32());
        await again.NextAsync("audio_end");
        return (session, greeting, asked, again);
    }

    [FactWhenInstalled(Needs.EspeakNg)]
    public async Task Reconnect_HearsTheStandingQuestion_NothingIsAskedTwice()
    {
        await using var server = Server();
        var (session, _, _, socket) = await AnswerThenReconnectAsync(server, server);
        await using var again = socket;

        var stored = await server.CreateClient().GetJsonAsync($"/sessions/{session}");
        Assert.Equal(1, stored["question_number"]!.GetValue<int>());
        Assert.Equal(3, stored["transcript"]!.AsArray().Count);
    }

    [FactWhenInstalled(Needs.EspeakNg, Needs.Postgres)]
    public async Task Reconnect_ThroughAnotherServer_ResumesTheInterviewFromTheDatabase()
    {
        await using var database = await TestDatabase.CreateAsync();
        var shared = database.ServerSettings().Select(s => (s.Key, s.Value)).ToArray();
        await using var first = Server(shared);
        await using var second = Server(shared);

        // The balancer sends the reconnect to the other server, which has never seen the session.
        var (session, greeting, asked, socket) = await AnswerThenReconnectAsync(first, second);
        await using var again = socket;
        await again.SendAudioAsync(Spoken(Answer), 16000);
        var next = await again.NextAsync("question");
        Assert.Equal(2, next.GetProperty("question_number").GetInt32());
        await again.NextAsync("latency");

        foreach (var server in new[] { first, second })
        {
            var transcript = (await server.CreateClient().GetJsonAsync($"/sessions/{session}"))["transcript"]!.AsArray()
                .Select(m => (m!["role"]!.GetValue<string>(), m["content"]!.GetValue<string>()));
            Assert.Equal(
                [("interviewer", greeting), ("candidate", Answer), ("interviewer", asked), ("candidate", Answer), ("interviewer", next.GetProperty("text").GetString()!)],
                transcript);
        }

        // Turn 1's audio was kept by the first server; the second reads it from the database (an operator's request).
        using var wav = await second.CreateClient().GetAsync($"/sessions/{session}/turns/1/audio");
        Assert.Equal(HttpStatusCode.OK, wav.StatusCode);
        Assert.True(Promptly.Speech.Wav.TryReadHeader(await wav.Content.ReadAsByteArrayAsync(), out var format, out _, out _));
        Assert.Equal(16000, format.SampleRate);
    }

    [FactWhenInstalled(Needs.EspeakNg)]
    public async Task SecondSocket_TakesTheSessionOver_TheFirstIsClosed()
    {
        await using var server = Server();
        var (session, first, _) = await OpenAsync(server);

        await using var second = await VoiceClient.ConnectAsync(server, session);
        await second.SendJsonAsync("""{"type":"start","sample_rate":16000}""");
        await second.NextAsync("ready");
        Assert.Equal(0, (await second.NextAsync("question")).GetProperty("question_number").GetInt32());
        await second.NextAsync("audio_end");

        Assert.Contains("newer", (await first.NextAsync("error")).GetProperty("detail").GetString());
        await first.WaitClosedAsync();
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, first.CloseStatus);
        await second.SendAudioAsync(Spoken(Answer), 16000);
        Assert.Equal(1, (await second.NextAsync("question")).GetProperty("question_number").GetInt32());
        await first.DisposeAsync();
    }

    [FactWhenInstalled(Needs.EspeakNg)]
    public async Task ClientLeaves_WhileItsTurnIsTranscribed_TheWorkIsCancelledAndNothingStored()
    {
        _speech.TranscriptionFailure = FakeSpeechFailure.Hang;
        await using var server = Server(("Voice:SttDeadlineMs", "600000"));
        var (session, voice, http) = await OpenAsync(server);
        await voice.SendAudioAsync(Spoken(Answer), 16000);
        await voice.NextAsync("turn_ended");
        await _speech.Hanging.WaitAsync(TimeSpan.FromSeconds(60));

        await voice.DisposeAsync();
        await _speech.Abandoned.WaitAsync(TimeSpan.FromSeconds(60));

        var stored = await http.GetJsonAsync($"/sessions/{session}");
        Assert.Equal(0, stored["question_number"]!.GetValue<int>());
        Assert.Single(stored["transcript"]!.AsArray());
        Assert.Single((await http.GetJsonAsync($"/sessions/{session}/latency"))["responses"]!.AsArray());
    }

    [FactWhenInstalled(Needs.EspeakNg)]
    public async Task LongSpeech_EndsTheTurnAtTheMaximum()
    {
        await using var server = Server(("Voice:MaxTurnSeconds", "1"));
        var (_, voice, _) = await OpenAsync(server);
        var talking = Signals.Concat(SpeechTracks.Say("I have a great deal to say about oat milk and I will keep talking without a pause for a while"));
        Assert.True(talking.Length > 2 * 16000, "the speech lasts longer than the maximum");

        await voice.SendAudioAsync(talking, 16000);

        var ended = await voice.NextAsync("turn_ended");
        Assert.Equal("max_duration", ended.GetProperty("reason").GetString());
        await voice.NextAsync("question");
        // The turn's audio is what had come by the maximum (and the preroll before it), not all that was sent.
        Assert.InRange(_speech.Uploads.Last().Duration.TotalSeconds, 1.0, 1.5);
    }

    [FactWhenInstalled(Needs.EspeakNg)]
    public async Task ClientStopsSending_MidTurn_TheTurnEndsOnTheWallClock()
    {
        await using var server = Server(("Voice:SilenceMs", "300"), ("Voice:MinTurnMs", "0"), ("Voice:MaxMessageBytes", "1048576"));
        var (_, voice, _) = await OpenAsync(server);

        // Speech and no silence after it: the audio clock never sees the turn end, so only the wall clock can. All of
        // it in one message: sent frame by frame, a busy machine could take longer than the 300 ms between two frames,
        // and the wall clock would end the turn in the middle of the speech (as it should for a client that lags so).
        var speech = SpeechTracks.Say(Answer);
        await voice.SendAudioAsync(speech, 16000, frameMs: speech.Length * 1000 / 16000 + 1);

        Assert.Equal("silence", (await voice.NextAsync("turn_ended")).GetProperty("reason").GetString());
        Assert.Equal(Answer, (await voice.NextAsync("transcript")).GetProperty("text").GetString());
    }

    [FactWhenInstalled(Needs.EspeakNg)]
    public async Task ClientStopsSending_MidTurn_TheTranscriptionStartsAtTheWallClocksPause()
    {
        // The seed's 2 s of silence, longer than the default speech-to-text deadline: the transcription is in time only if
        // it starts at the pause, as it does when silence is sent. On a fake clock, so that the test decides when time
        // passes, and with a deadline that cannot run out while the fake provider answers.
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var server = PromptlyFactory.OnClock(time, _speech.Settings(new Dictionary<string, string?>
        {
            ["Voice:AudioLeadMs"] = "3600000",
            ["Voice:SilenceMs"] = "2000",
            ["Voice:SttDeadlineMs"] = "600000",
            ["Voice:MinTurnMs"] = "0",
            ["Voice:MaxMessageBytes"] = "1048576",
        }));
        var (_, voice, _) = await OpenAsync(server);
        var speech = SpeechTracks.Say(Answer);
        await voice.SendAudioAsync(speech, 16000, frameMs: speech.Length * 1000 / 16000 + 1);
        await voice.NextAsync("speech_started");

        time.Advance(TimeSpan.FromMilliseconds(new TurnDetectionOptions().PauseMs));
        await _speech.Transcribed.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.DoesNotContain("turn_ended", voice.Types());

        time.Advance(TimeSpan.FromMilliseconds(2000));
        Assert.Equal("silence", (await voice.NextAsync("turn_ended")).GetProperty("reason").GetString());
        Assert.Equal(Answer, (await voice.NextAsync("transcript")).GetProperty("text").GetString());
        Assert.Equal(1, _speech.TranscriptionCalls);
    }

    [FactWhenInstalled(Needs.EspeakNg)]
    public async Task AnAnswerThatPausesOnce_IsTranscribedOnce_StartedAtThePause()
    {
        await using var server = Server();
        var (_, voice, _) = await OpenAsync(server);

        await voice.SendAudioAsync(Spoken(Answer), 16000);

        Assert.Equal(Answer, (await voice.NextAsync("transcript")).GetProperty("text").GetString());
        Assert.Equal(1, _speech.TranscriptionCalls);
        // The audio sent is the answer and the pause so far, not the whole silence that ended the turn.
        Assert.True(_speech.Uploads.Single().Duration.TotalMilliseconds < SpeechTracks.Say(Answer).Length / 16.0 + 700);
    }

    [FactWhenInstalled(Needs.EspeakNg)]
    public async Task SpeechAfterAPause_ThrowsTheEarlierTranscriptAway()
    {
        await using var server = Server();
        var (_, voice, _) = await OpenAsync(server);
        var (track, _) = SpeechTracks.Build(Answer, 500, "And in my tea.", 1200);

        await voice.SendAudioAsync(track, 16000);

        await voice.NextAsync("transcript");
        // The call started at the first pause may or may not have reached the provider before it was cancelled.
        Assert.True(_speech.Uploads.Last().Duration.TotalMilliseconds > track.Length / 16.0 - 1200, "the transcript used covers both phrases");
    }

    [FactWhenInstalled(Needs.EspeakNg, Needs.SileroModel)]
    public async Task SileroDetector_DetectsTheTurnAsTheEnergyDetectorDoes()
    {
        await using var server = Server(("Voice:Vad", "silero"), ("Voice:SileroModel", Needs.SileroModelPath()));
        var http = server.CreateClient();
        var session = (await http.StartAsync()).Id();
        await using var voice = await VoiceClient.ConnectAsync(server, session);
        await voice.SendJsonAsync("""{"type":"start","sample_rate":16000}""");
        Assert.Equal("silero", (await voice.NextAsync("ready")).GetProperty("vad").GetString());

        await voice.SendAudioAsync(Spoken(Answer), 16000);

        var started = (await voice.NextAsync("speech_started")).GetProperty("at_ms").GetDouble();
        var ended = (await voice.NextAsync("speech_ended")).GetProperty("at_ms").GetDouble();
        Assert.Equal("silence", (await voice.NextAsync("turn_ended")).GetProperty("reason").GetString());
        Assert.InRange(ended - started, SpeechTracks.Say(Answer).Length / 16.0 - 300, SpeechTracks.Say(Answer).Length / 16.0 + 300);
        Assert.Equal(Answer, (await voice.NextAsync("transcript")).GetProperty("text").GetString());
    }

    [Fact]
    public async Task BadMessages_AreErrorEvents_AndTheSessionGoesOn()
    {
        await using var server = Server();
        var (session, voice, http) = await OpenAsync(server);

        await voice.SendJsonAsync("{not json");
        Assert.Equal(400, (await voice.NextAsync("error")).GetProperty("status").GetInt32());
        await voice.SendJsonAsync("""{"type":"dance"}""");
        Assert.Contains("dance", (await voice.NextAsync("error")).GetProperty("detail").GetString());
        await voice.SendJsonAsync("""{"type":"start","sample_rate":48000}""");
        Assert.Contains("first message", (await voice.NextAsync("error")).GetProperty("detail").GetString());
        await voice.SendJsonAsync("""{"type":"text"}""");
        await voice.NextAsync("error");

        await voice.SendJsonAsync("""{"type":"text","text":"I drink oat milk every day."}""");
        Assert.Equal(1, (await voice.NextAsync("question")).GetProperty("question_number").GetInt32());
        Assert.Equal("voice", (await voice.NextAsync("latency")).GetProperty("latency").GetProperty("channel").GetString());
        var stored = await http.GetJsonAsync($"/sessions/{session}");
        Assert.Equal("I drink oat milk every day.", stored["transcript"]![1]!["content"]!.GetValue<string>());
    }

    [Fact]
    public async Task TurnsSentFasterThanAnswered_PastMaxPendingTurns_AreRefusedWith429AndNotTaken()
    {
        var model = new HeldChatClient("That sounds good.", "Tell me more about it?");
        await using var server = Server(model, ("Interviewer:Provider", "openai"), ("Interviewer:FallbackAfterMs", "600000"),
            ("Latency:ThresholdMs", "600000"), ("Latency:SevereMs", "600000"), ("Voice:MaxPendingTurns", "3"));
        var (session, voice, http) = await OpenAsync(server);
        model.Holding = true;

        // The first turn's model never finishes until released, so nothing is answered meanwhile: exactly three are taken.
        for (var i = 1; i <= 5; i++) await voice.SendJsonAsync($$"""{"type":"text","text":"Answer {{i}}."}""");

        Assert.Equal(429, (await voice.NextAsync("error")).GetProperty("status").GetInt32());
        Assert.Equal(429, (await voice.NextAsync("error")).GetProperty("status").GetInt32());
        model.Release.SetResult();
        for (var n = 1; n <= 3; n++) Assert.Equal(n, (await voice.NextAsync("question")).GetProperty("question_number").GetInt32());
        await voice.NextAsync("latency");
        var answers = (await http.GetJsonAsync($"/sessions/{session}"))["transcript"]!.AsArray()
            .Where(l => l!["role"]!.GetValue<string>() == "candidate").Select(l => l!["content"]!.GetValue<string>());
        Assert.Equal(["Answer 1.", "Answer 2.", "Answer 3."], answers);
        Assert.Equal(2, voice.Seen.Count(e => e.GetProperty("type").GetString() == "error"));
    }

    [Fact]
    public async Task ClientCloses_TheServerAnswersWithAClose()
    {
        await using var server = Server();
        var session = (await server.CreateClient().StartAsync()).Id();
        var client = server.Server.CreateWebSocketClient();
        client.ConfigureRequest = request => request.Headers.Authorization = $"Bearer {PromptlyFactory.OperatorKey}";
        using var socket = await client.ConnectAsync(new Uri(server.Server.BaseAddress, $"sessions/{session}/voice"), CancellationToken.None);

        // Without the server's close the client waits for it until it gives up (RFC 6455, 5.5.1).
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", patience.Token);

        Assert.Equal(WebSocketState.Closed, socket.State);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, socket.CloseStatus);
    }

    [Fact]
    public async Task TooLargeAMessage_IsRefusedAndTheSocketClosed()
    {
        await using var server = Server(("Voice:MaxMessageBytes", "4096"));
        var (_, voice, _) = await OpenAsync(server);

        await voice.SendBytesAsync(new byte[8192]);

        Assert.Equal(413, (await voice.NextAsync("error")).GetProperty("status").GetInt32());
        await voice.WaitClosedAsync();
        Assert.Equal(WebSocketCloseStatus.MessageTooBig, voice.CloseStatus);
    }

    [Fact]
    public async Task UnsupportedSampleRate_IsAnErrorAndA1003Close()
    {
        await using var server = Server();
        var http = server.CreateClient();
        var session = (await http.StartAsync()).Id();
        await using var voice = await VoiceClient.ConnectAsync(server, session);

        await voice.SendJsonAsync("""{"type":"start","sample_rate":44100}""");

        Assert.Contains("44100", (await voice.NextAsync("error")).GetProperty("detail").GetString());
        await voice.WaitClosedAsync();
        Assert.Equal(WebSocketCloseStatus.InvalidMessageType, voice.CloseStatus);
    }

    [FactWhenInstalled(Needs.EspeakNg)]
    public async Task FailingTranscription_IsAnsweredWithASpokenRequestToRepeat()
    {
        _speech.TranscriptionFailure = FakeSpeechFailure.Status500;
        await using var server = Server();
        var (session, voice, http) = await OpenAsync(server);

        await voice.SendAudioAsync(Spoken(Answer), 16000);

        var again = await voice.NextAsync("question");
        Assert.Equal("repeat", again.GetProperty("kind").GetString());
        Assert.Equal(0, again.GetProperty("question_number").GetInt32());
        var latency = (await voice.NextAsync("latency")).GetProperty("latency");
        Assert.True(latency.GetProperty("failed").GetBoolean());
        Assert.Contains("speech to text", latency.GetProperty("error").GetString());
        await voice.NextAsync("audio_end");

        _speech.TranscriptionFailure = FakeSpeechFailure.None;
        await voice.SendAudioAsync(Spoken(Answer), 16000);
        Assert.Equal(1, (await voice.NextAsync("question")).GetProperty("question_number").GetInt32());
        Assert.Equal(Answer, (await http.GetJsonAsync($"/sessions/{session}"))["transcript"]![1]!["content"]!.GetValue<string>());
    }

    [FactWhenInstalled(Needs.EspeakNg)]
    public async Task SlowTranscription_PastItsDeadline_IsAnsweredWithARequestToRepeat()
    {
        _speech.TranscriptionFailure = FakeSpeechFailure.Hang;
        await using var server = Server(("Voice:SttDeadlineMs", "300"));
        var (_, voice, _) = await OpenAsync(server);

        await voice.SendAudioAsync(Spoken(Answer), 16000);

        Assert.Equal("repeat", (await voice.NextAsync("question")).GetProperty("kind").GetString());
        Assert.Contains("Voice:SttDeadlineMs", (await voice.NextAsync("latency")).GetProperty("latency").GetProperty("error").GetString());
        await _speech.Abandoned.WaitAsync(TimeSpan.FromSeconds(60));
    }

    [FactWhenInstalled(Needs.EspeakNg)]
    public async Task FailingSynthesis_TheReplyGoesOutAsTextAndIsStored()
    {
        await using var server = Server(("Voice:Tts:FallbackToEspeak", "false"));
        var (session, voice, http) = await OpenAsync(server);
        _speech.SpeechFailure = FakeSpeechFailure.Status500;

        await voice.SendAudioAsync(Spoken(Answer), 16000);

        var question = await voice.NextAsync("question");
        var error = await voice.NextAsync("error");
        Assert.Equal(502, error.GetProperty("status").GetInt32());
        Assert.Equal(question.GetProperty("text").GetString(), (await http.GetJsonAsync($"/sessions/{session}"))["transcript"]![2]!["content"]!.GetValue<string>());
    }

    [FactWhenInstalled(Needs.EspeakNg)]
    public async Task SlowSynthesis_PastItsDeadline_EspeakSpeaksAndTheRecordSaysWhy()
    {
        await using var server = Server(("Voice:Tts:FirstAudioDeadlineMs", "300"));
        var (_, voice, _) = await OpenAsync(server);
        _speech.SpeechFailure = FakeSpeechFailure.Hang;
        var before = voice.AudioBytes;

        await voice.SendAudioAsync(Spoken(Answer), 16000);

        var latency = (await voice.NextAsync("latency")).GetProperty("latency");
        await voice.NextAsync("audio_end");
        Assert.True(latency.GetProperty("fallback").GetBoolean());
        Assert.StartsWith("speech_deadline: no audio within 300 ms", latency.GetProperty("fallback_cause").GetString());
        Assert.False(latency.GetProperty("failed").GetBoolean());
        Assert.True(voice.AudioBytes - before > 16000, "espeak-ng spoke the reply");
        Assert.DoesNotContain("error", voice.Types());
    }

    [FactWhenInstalled(Needs.EspeakNg)]
    public async Task StreamedReply_ItsFirstSentenceIsHeardBeforeTheModelFinishes()
    {
        var model = new HeldChatClient("That sounds like a good habit.", "What made you start it?");
        await using var server = Server(model, ("Interviewer:Provider", "openai"), ("Interviewer:FallbackAfterMs", "600000"),
            ("Latency:ThresholdMs", "600000"), ("Latency:SevereMs", "600000"));
        var (session, voice, http) = await OpenAsync(server);
        model.Holding = true;

        await voice.SendAudioAsync(Spoken(Answer), 16000);

        // The model is still held after its first sentence, and the candidate already hears it.
        await voice.NextAsync("audio_start");
        var speaking = voice.Seen.Count;
        Assert.Single(voice.Seen, e => e.GetProperty("type").GetString() == "question");
        model.Release.SetResult();
        // The rest of the audio may end before or after the reply is stored and its words are sent.
        var latency = (await voice.NextAsync("latency")).GetProperty("latency");
        if (!voice.Seen.Skip(speaking).Any(e => e.GetProperty("type").GetString() == "audio_end")) await voice.NextAsync("audio_end");
        var question = voice.Seen.Last(e => e.GetProperty("type").GetString() == "question");

        Assert.Equal("That sounds like a good habit. What made you start it?", question.GetProperty("text").GetString());
        var phases = latency.GetProperty("phases").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetDouble());
        Assert.Equal(["ai_first_token", "ai", "tts_first_audio"], phases.Keys.TakeLast(3));
        Assert.DoesNotContain("persist", phases.Keys);
        Assert.True(Math.Abs(latency.GetProperty("response_time_ms").GetDouble() - phases.Values.Sum()) < 0.1, latency.ToString());
        Assert.Contains(_speech.SpeechRequests, r => r["input"]!.GetValue<string>() == "What made you start it?");
        Assert.Equal(question.GetProperty("text").GetString(), (await http.GetJsonAsync($"/sessions/{session}"))["transcript"]![2]!["content"]!.GetValue<string>());
    }

    [FactWhenInstalled(Needs.EspeakNg)]
    public async Task SpokenTurn_ItsAudioIsKept_TypedTurnsAndKeepAudioFalseKeepNone()
    {
        var spoken = Spoken(Answer);
        await using (var server = Server())
        {
            var (session, voice, http) = await OpenAsync(server);

            await voice.SendAudioAsync(spoken, 16000);
            await voice.NextAsync("audio_end");
            await voice.SendJsonAsync($$"""{"type":"text","text":"{{Answer}}"}""");
            await voice.NextAsync("latency");
            await voice.DisposeAsync();

            using var wav = await http.GetAsync($"/sessions/{session}/turns/1/audio");
            Assert.Equal("audio/wav", wav.Content.Headers.ContentType?.MediaType);
            var bytes = await wav.Content.ReadAsByteArrayAsync();
            Assert.True(Promptly.Speech.Wav.TryReadHeader(bytes, out var format, out var offset, out _));
            Assert.Equal((16000, 1, 16), (format.SampleRate, format.Channels, format.BitsPerSample));
            // The turn as heard: the speech and the silence that ended it, without the audio sent after the end.
            var kept = (bytes.Length - offset) / 2;
            Assert.InRange(kept, SpeechTracks.Say(Answer).Length, spoken.Length);
            await http.GetJsonAsync($"/sessions/{session}/turns/2/audio", HttpStatusCode.NotFound);
        }

        await using (var server = Server(("Voice:KeepAudio", "false")))
        {
            var (session, voice, http) = await OpenAsync(server);
            await voice.SendAudioAsync(spoken, 16000);
            await voice.NextAsync("audio_end");
            await voice.DisposeAsync();
            await http.GetJsonAsync($"/sessions/{session}/turns/1/audio", HttpStatusCode.NotFound);
        }
    }

    [FactWhenInstalled(Needs.EspeakNg)]
    public async Task WithoutSpeechToText_TurnsAreStillDetectedAndTheInterviewMovesOn()
    {
        await using var server = Server(("Voice:Stt:Endpoint", ""));
        var (session, voice, http) = await OpenAsync(server);

        await voice.SendAudioAsync(Spoken(Answer), 16000);

        var transcript = await voice.NextAsync("transcript");
        Assert.False(transcript.GetProperty("transcribed").GetBoolean());
        Assert.Equal(1, (await voice.NextAsync("question")).GetProperty("question_number").GetInt32());
        Assert.Equal(0, _speech.TranscriptionCalls);
        Assert.Contains("not transcribed", (await http.GetJsonAsync($"/sessions/{session}"))["transcript"]![1]!["content"]!.GetValue<string>());
    }

    [FactWhenInstalled(Needs.EspeakNg)]
    public async Task OfflineSpeech_EspeakSpeaksTheReplies_At48kHz()
    {
        await using var server = Server(("Voice:Tts:Endpoint", ""));
        var (_, voice, _) = await OpenAsync(server, rate: 48000);
        var before = voice.AudioBytes;

        await voice.SendAudioAsync(Resampled(Spoken(Answer), 48000), 48000);

        await voice.NextAsync("turn_ended");
        Assert.Equal(48000, (await voice.NextAsync("audio_start")).GetProperty("sample_rate").GetInt32());
        await voice.NextAsync("audio_end");
        Assert.Equal(0, _speech.SpeechCalls);
        Assert.True(voice.AudioBytes - before > 48000 * 2 / 2, "at least half a second of espeak-ng's speech came back");
    }

    /// <summary>
    /// A model that streams its first sentence word by word and the second's first word (which shows the first has
    /// ended), then, while <see cref="Holding"/>, waits for <see cref="Release"/> before the rest.
    /// </summary>
    private sealed class HeldChatClient(string first, string second) : IChatClient
    {
        public bool Holding { get; set; }

        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, $"{first} {second}")));

        public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
            IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            foreach (var word in first.Split(' ')) yield return new ChatResponseUpdate(ChatRole.Assistant, word + " ");
            var words = second.Split(' ', 2);
            yield return new ChatResponseUpdate(ChatRole.Assistant, words[0]);
            if (Holding) await Release.Task.WaitAsync(cancellationToken);
            yield return new ChatResponseUpdate(ChatRole.Assistant, " " + words[1]);
        }

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }

    private static short[] Resampled(short[] samples16k, int rate) => Promptly.Audio.Resampler.Resample(samples16k, 16000, rate);
}
