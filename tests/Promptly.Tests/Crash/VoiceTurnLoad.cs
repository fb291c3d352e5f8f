using System.Text.Json;
using Promptly.Tests.Audio;
using Promptly.Tests.Support;

namespace Promptly.Tests.Crash;

/// <summary>
/// One client of voice interviews over the WebSocket, turns alternately typed (<c>{"type":"text"}</c>) and spoken
/// (PCM16 at 16 kHz, sent faster than real time: turns end on the audio's own clock), a turn at a time: the next is
/// sent when the last one's <c>latency</c> event, its acknowledgement, has come. A new interview whenever one completes.
/// </summary>
internal static class VoiceTurnLoad
{
    // A tone stands out from the digital silence before it as speech does, to the energy detector (which takes the
    // quietest of the last two seconds for the noise floor); a second of silence after it ends the turn
    // (Voice:SilenceMs, 800 ms).
    private static readonly short[] SpokenAnswer =
        Signals.Concat(Signals.Silence(16_000, 0.5), Signals.Sine(220, 16_000, 1.2, 0.3), Signals.Silence(16_000, 1.0));

    public static async Task RunAsync(ServerProcess server, string key, WriteLog log, int clientNumber, int maxTurns)
    {
        try
        {
            var turn = 0;
            while (turn < maxTurns && !log.ServerKilled)
            {
                var session = await TextTurnLoad.StartSessionAsync(server.Client, log, $"voice client {clientNumber}");
                var url = new UriBuilder(server.Url) { Scheme = "ws", Path = $"sessions/{session.Id}/voice" }.Uri;
                await using var voice = await VoiceClient.ConnectAsync(url, key);
                await voice.SendJsonAsync("""{"type":"start","sample_rate":16000}""");
                await voice.NextAsync("ready");
                await voice.NextAsync("question");
                for (var done = false; !done && turn < maxTurns && !log.ServerKilled; turn++)
                {
                    done = turn % 2 == 0
                        ? await TypedAsync(voice, log, session, $"I would buy it again because it tastes fresh (voice client {clientNumber}, turn {turn})")
                        : await SpokenAsync(voice, log, session);
                }
            }
        }
        catch (Exception) when (log.ServerKilled)
        {
            // The kill broke the socket: the turn in flight was never acknowledged, so it may or may not be stored.
        }
    }

    /// <summary>A typed answer; true when its reply closed the interview.</summary>
    private static async Task<bool> TypedAsync(VoiceClient voice, WriteLog log, SessionWrites session, string answer)
    {
        log.Sending(session, new SentTurn(answer, "voice"));
        await voice.SendJsonAsync(JsonSerializer.Serialize(new { type = "text", text = answer }));
        return await AcknowledgedAsync(voice, log, session, answer);
    }

    /// <summary>A spoken answer, stored as the fake speech-to-text heard it; true when its reply closed the interview.</summary>
    private static async Task<bool> SpokenAsync(VoiceClient voice, WriteLog log, SessionWrites session)
    {
        log.Sending(session, new SentTurn(null, "voice"));
        await voice.SendAudioAsync(SpokenAnswer, 16_000, frameMs: 100);
        var heard = (await voice.NextAsync("transcript")).GetProperty("text").GetString()!;
        return await AcknowledgedAsync(voice, log, session, heard);
    }

    private static async Task<bool> AcknowledgedAsync(VoiceClient voice, WriteLog log, SessionWrites session, string answer)
    {
        var question = await voice.NextAsync("question");
        var latency = (await voice.NextAsync("latency")).GetProperty("latency");
        log.Acknowledged(session, latency.GetProperty("question_number").GetInt32(), answer);
        return question.GetProperty("done").GetBoolean();
    }
}
