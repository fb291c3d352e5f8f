using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using CsCheck;

namespace Promptly.Tests.Support.Fuzzing;

/// <summary>One message a voice client sends: its bytes, as a text or a binary message, split over frames.</summary>
public sealed record VoiceMessage(WebSocketMessageType Type, byte[] Bytes, int Frames)
{
    public override string ToString() =>
        $"{(Type == WebSocketMessageType.Text ? "text" : "binary")} {Bytes.Length} bytes in {Frames} frames: {FuzzRequest.Show(Bytes)}";
}

/// <summary>
/// Random and mutated messages of a voice client: audio of any length (none, odd byte counts, up to and past the
/// limit) that is silence, noise or a tone; the protocol's messages with values of every kind, mutated into invalid
/// JSON or bytes that are not UTF-8; text where audio goes and audio where text goes; a message split over many frames.
/// </summary>
public static class VoiceGens
{
    /// <summary>Valid messages to mutate, and how often each is the one.</summary>
    private static readonly (int Weight, string Json)[] Valid =
    [
        (8, """{"type":"start","sample_rate":16000}"""),
        (6, """{"type":"end_turn"}"""),
        (6, """{"type":"skip_question"}"""),
        (10, """{"type":"text","text":"I like it because it tastes fresh."}"""),
        // It ends the session, so the messages after it test what an ended session does.
        (1, """{"type":"end_interview"}"""),
    ];

    /// <summary>Messages for a server that takes at most <paramref name="maxMessageBytes"/> a message.</summary>
    public static Gen<VoiceMessage> Message(int maxMessageBytes)
    {
        var length = Weighted.Of(
            (20, Gen.Int[0, 1_000]),
            (15, Gen.OneOf(0, 1, 2, 3, 319, 320, 321, 640, 3_200, 6_400)),
            (15, Gen.Int[1_000, maxMessageBytes]),
            (2, Gen.OneOf(maxMessageBytes - 1, maxMessageBytes, maxMessageBytes + 1)),
            (1, Gen.Int[maxMessageBytes + 1, 2 * maxMessageBytes]));
        var audio = Weighted.Of(
            (3, length.Select(n => new byte[n])),
            (2, length.SelectMany(n => Gen.Byte.Array[n])),
            (3, length.Select(Tone)));
        // A third of them as they are, so that turns are taken and answered between the bad messages.
        var valid = Gen.Frequency([.. Valid.Select(v => (v.Weight, Encoding.UTF8.GetBytes(v.Json)))]);
        var mutated = Weighted.Of([.. Valid.Select(v => (v.Weight, JsonGens.Body(JsonShape.From(JsonNode.Parse(v.Json)))))]);
        var json = Weighted.Of((1, valid), (2, mutated));
        var message = Weighted.Of(
            (10, audio.Select(b => (WebSocketMessageType.Binary, b))),
            (10, json.Select(b => (WebSocketMessageType.Text, b))),
            (1, json.Select(b => (WebSocketMessageType.Binary, b))),
            (1, audio.Select(b => (WebSocketMessageType.Text, b))));
        return Gen.Select(message, Weighted.Of((10, Gen.Const(1)), (1, Gen.Int[2, 20])), (m, frames) => new VoiceMessage(m.Item1, m.Item2, frames));
    }

    /// <summary>A loud 440 Hz tone at 16 kHz, PCM16 little-endian, cut at <paramref name="bytes"/> (an odd count ends mid-sample).</summary>
    private static byte[] Tone(int bytes)
    {
        var tone = new byte[bytes];
        for (var i = 0; i + 1 < bytes; i += 2)
        {
            var sample = (short)(12_000 * Math.Sin(2 * Math.PI * 440 * (i / 2) / 16_000.0));
            tone[i] = (byte)sample;
            tone[i + 1] = (byte)(sample >> 8);
        }

        return tone;
    }

    /// <summary>A text message of <paramref name="json"/>.</summary>
    public static VoiceMessage Text(string json) => new(WebSocketMessageType.Text, Encoding.UTF8.GetBytes(json), 1);
}
