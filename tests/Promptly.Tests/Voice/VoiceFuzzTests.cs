using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using CsCheck;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Promptly.Tests.Support;
using Promptly.Tests.Support.Fuzzing;
using Xunit.Abstractions;

namespace Promptly.Tests.Voice;

/// <summary>
/// Voice sockets sent generated and mutated messages (<see cref="VoiceGens"/>), each socket a session of its own: the
/// server answers with <c>error</c> events and the close codes README gives, never fails a turn or logs an exception,
/// and every session can still be reached afterwards, by a new socket and over HTTP. Speech goes through the loopback
/// fake with no deadlines and no pacing, so what happens does not depend on how fast the machine is. A failure names
/// CsCheck's seed: <c>CsCheck_Seed=… dotnet test --filter VoiceFuzzTests</c> sends that socket's messages again first.
/// </summary>
public sealed class VoiceFuzzTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int MaxMessageBytes = 16 * 1024;

    /// <summary>The statuses of the <c>error</c> events README lists for a client's mistakes and for an ended session.</summary>
    private static readonly int[] ClientErrors = [400, 409, 413, 429];

    /// <summary>The close codes README lists: completed, bad sample rate, the session moved on or ended, message too large.</summary>
    private static readonly WebSocketCloseStatus[] Closes =
        [WebSocketCloseStatus.NormalClosure, WebSocketCloseStatus.InvalidMessageType, WebSocketCloseStatus.PolicyViolation, WebSocketCloseStatus.MessageTooBig];

    private const string TypedAnswer = """{"user_input":"I drink it every morning because it is creamy."}""";

    private readonly ServerErrors _errors = new();
    private FakeSpeechServer _speech = null!;
    private PromptlyFactory _server = null!;
    private HttpClient _http = null!;
    private readonly ConcurrentDictionary<string, int> _seen = new();

    public async Task InitializeAsync()
    {
        _speech = await FakeSpeechServer.StartAsync();
        var settings = _speech.Settings(new Dictionary<string, string?>
        {
            ["Voice:AudioLeadMs"] = "3600000",
            ["Voice:SilenceMs"] = "100",
            ["Voice:MinTurnMs"] = "0",
            ["Voice:MaxTurnSeconds"] = "1",
            ["Voice:MaxMessageBytes"] = $"{MaxMessageBytes}",
            ["Voice:SttDeadlineMs"] = "600000",
            ["Voice:Stt:TimeoutMs"] = "600000",
            ["Voice:Tts:FirstAudioDeadlineMs"] = "600000",
        });
        _server = new PromptlyFactory(settings, services: s => s.AddSingleton<ILoggerProvider>(_errors));
        _http = _server.CreateClient();
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        await _speech.DisposeAsync();
    }

    [Fact]
    public async Task GeneratedMessages_AreAnsweredAsREADMESays_AndTheSessionStaysUsable()
    {
        var started = Stopwatch.GetTimestamp();

        await Gen.Select(VoiceGens.Message(MaxMessageBytes).Array[1, 24], Gen.Bool).SampleAsync(RunAsync, output.WriteLine, iter: FuzzCount.Sockets,
            print: sample => $"{(sample.Item2 ? "then end_interview" : "then a typed turn and a new socket")}, after:\n{string.Join("\n", sample.Item1.Select(m => m.ToString()))}");

        output.WriteLine($"{FuzzCount.Sockets} sockets in {Stopwatch.GetElapsedTime(started).TotalSeconds:F1} s; seen: " +
            string.Join(", ", _seen.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => $"{s.Key} {s.Value}")));
    }

    [Fact]
    public async Task LoneSurrogateInATextMessage_IsABadMessage()
    {
        var session = (await _http.StartAsync()).Id();
        await using var voice = await VoiceClient.ConnectAsync(_server, session);

        await voice.SendJsonAsync("""{"type":"text","text":"I like it\ud800"}""");

        var error = await voice.NextAsync("error");
        Assert.Equal(400, error.GetProperty("status").GetInt32());
        Assert.Contains("$.text is not valid Unicode", error.GetProperty("detail").GetString());
    }

    /// <summary>
    /// One socket's messages, then either <c>end_interview</c> (it is answered once every reply before it has gone out,
    /// so every turn taken is answered) or a typed turn over HTTP and a new socket that takes the session over.
    /// </summary>
    private async Task RunAsync(VoiceMessage[] messages, bool end)
    {
        var session = (await _http.StartAsync()).Id();
        await using var voice = await VoiceClient.ConnectAsync(_server, session);
        foreach (var message in messages)
        {
            if (!await voice.TrySendAsync(message.Bytes, message.Type, message.Frames)) break;
        }

        await SettleAsync(voice);
        if (voice.CloseStatus is not null)
        {
            // The server closed it (a message too large, a bad sample rate, the interview over): the session lives on.
            Check(voice);
            await TypedTurnAsync(session);
            await TakeOverAsync(session);
        }
        else if (end)
        {
            await voice.TrySendAsync(Encoding.UTF8.GetBytes("""{"type":"end_interview"}"""), WebSocketMessageType.Text);
            await voice.WaitClosedAsync();
            Check(voice);
            await AssertEndedAsync(session, "end_interview was answered");
            using var turn = await _http.PostAsync($"/sessions/{session}/turns", new StringContent(TypedAnswer));
            Assert.Equal(HttpStatusCode.Conflict, turn.StatusCode);
        }
        else
        {
            await TypedTurnAsync(session);
            if (await TakeOverAsync(session)) await voice.WaitClosedAsync();
            Check(voice);
        }

        if (_errors.Count > 0) Assert.Fail($"The server logged:\n{_errors.Summary()}");
    }

    /// <summary>
    /// Waits until the server has read every message sent: it answers a message of an unknown type in order, with an
    /// error naming it; or it closed the socket.
    /// </summary>
    private static async Task SettleAsync(VoiceClient voice)
    {
        var probe = $"probe-{Guid.NewGuid():N}";
        if (!await voice.TrySendAsync(Encoding.UTF8.GetBytes($$"""{"type":"{{probe}}"}"""), WebSocketMessageType.Text)) return;
        while (true)
        {
            JsonElement error;
            try
            {
                error = await voice.NextAsync("error");
            }
            catch (InvalidOperationException) when (voice.CloseStatus is not null)
            {
                return;
            }

            if (error.GetProperty("detail").GetString()!.Contains(probe, StringComparison.Ordinal)) return;
        }
    }

    private void Check(VoiceClient voice)
    {
        List<JsonElement> seen;
        lock (voice.Seen) seen = [.. voice.Seen];
        foreach (var e in seen)
        {
            var type = e.GetProperty("type").GetString()!;
            if (type == "error")
            {
                var status = e.GetProperty("status").GetInt32();
                Assert.True(ClientErrors.Contains(status), $"An error the client did not cause: {e}\nEvents: {voice.Types()}");
                type = $"error {status}";
            }

            _seen.AddOrUpdate(type, 1, (_, n) => n + 1);
        }

        if (voice.CloseStatus is not { } close) return;
        _seen.AddOrUpdate($"close {(int)close}", 1, (_, n) => n + 1);
        Assert.True(Closes.Contains(close), $"Closed with {close}; events: {voice.Types()}");
    }

    /// <summary>A typed turn is answered while the socket is open, unless the session has ended (then a 409 says so).</summary>
    private async Task TypedTurnAsync(string session)
    {
        using var turn = await _http.PostAsync($"/sessions/{session}/turns", new StringContent(TypedAnswer));
        if (turn.StatusCode == HttpStatusCode.OK) return;
        Assert.Equal(HttpStatusCode.Conflict, turn.StatusCode);
        await AssertEndedAsync(session, "A typed turn was refused");
    }

    /// <summary>
    /// A new socket takes the session over (closing the old one) and is ready, unless the session has ended (then a 409
    /// says so); false when it did not.
    /// </summary>
    private async Task<bool> TakeOverAsync(string session)
    {
        try
        {
            await using var again = await VoiceClient.ConnectAsync(_server, session);
            await again.SendJsonAsync("""{"type":"start","sample_rate":16000}""");
            await again.NextAsync("ready");
            return true;
        }
        catch (InvalidOperationException e)
        {
            await AssertEndedAsync(session, $"A new socket failed ({e.Message})");
            return false;
        }
    }

    private async Task AssertEndedAsync(string session, string what)
    {
        var state = await _http.GetJsonAsync($"/sessions/{session}");
        Assert.True(state["status"]!.GetValue<string>() != "active", $"{what}, yet the session is still active: {state.ToJsonString()}");
    }
}
