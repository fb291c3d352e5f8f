using System.Buffers;
using System.Text;
using System.Text.Json;
using Promptly.Latency;

namespace Promptly.Storage;

/// <summary>Phases stored as a JSON object (<c>{"load":0.02,"ai":0.4}</c>) so SQL can still reach them with json_extract.</summary>
internal static class PhaseText
{
    public static string Write(IReadOnlyList<PhaseTiming> phases)
    {
        var buffer = new ArrayBufferWriter<byte>(128);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            Write(writer, phases);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>Writes the phases with <paramref name="writer"/> and flushes it; the hot path reuses one writer and buffer.</summary>
    public static void Write(Utf8JsonWriter writer, IReadOnlyList<PhaseTiming> phases)
    {
        writer.WriteStartObject();
        for (var i = 0; i < phases.Count; i++)
        {
            writer.WriteNumber(phases[i].Name, Math.Round(phases[i].Ms, 4));
        }

        writer.WriteEndObject();
        writer.Flush();
    }

    public static IReadOnlyList<PhaseTiming> Read(string text)
    {
        var phases = new List<PhaseTiming>();
        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(text));
        while (reader.Read())
        {
            if (reader.TokenType != JsonTokenType.PropertyName) continue;
            var name = reader.GetString()!;
            reader.Read();
            phases.Add(new PhaseTiming(name, reader.GetDouble()));
        }

        return phases;
    }
}
