using System.Net;
using System.Text.Json;

namespace Promptly.Load;

/// <summary>Which request of an interview an answer is to.</summary>
internal enum DriverStep
{
    /// <summary><c>POST /sessions</c>: starting an interview; not a turn.</summary>
    Start,

    /// <summary><c>POST /sessions/{id}/turns</c>.</summary>
    Turn,
}

/// <summary>What the server answered to one request of the <see cref="InterviewDriver"/>.</summary>
/// <param name="Client">From just before the request was sent to the last byte of the answer.</param>
/// <param name="ServerMs">The answer's <c>latency.response_time_ms</c>: the server's own record; NaN when it has none.</param>
/// <param name="AiMs">The answer's <c>latency.ai_processing_time_ms</c>; NaN when it has none.</param>
/// <param name="Problem">The <c>detail</c> of an error answer's problem document, when it has one.</param>
internal readonly record struct DriverAnswer(DriverStep Step, HttpStatusCode Status, TimeSpan Client, double ServerMs, double AiMs, string? Problem)
{
    public bool Ok => Status == HttpStatusCode.OK;

    /// <summary>The error's kind ("HTTP 409"); null when the answer is OK.</summary>
    public string? Error => Ok ? null : RequestErrors.Status(Status);

    public bool HasLatency => double.IsFinite(ServerMs);
}

/// <summary>The few top-level fields of a session or turn answer the load tools need, read without building a document.</summary>
internal readonly record struct AnswerFields(string? Id, int QuestionNumber, bool Done, double ServerMs, double AiMs, string? Token = null)
{
    private static readonly byte[] IdName = "id"u8.ToArray();
    private static readonly byte[] QuestionName = "question_number"u8.ToArray();
    private static readonly byte[] DoneName = "done"u8.ToArray();
    private static readonly byte[] TokenName = "token"u8.ToArray();
    private static readonly byte[] LatencyName = "latency"u8.ToArray();
    private static readonly byte[] ResponseTimeName = "response_time_ms"u8.ToArray();
    private static readonly byte[] AiTimeName = "ai_processing_time_ms"u8.ToArray();

    /// <exception cref="JsonException">The body is not a JSON object.</exception>
    public static AnswerFields Read(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) throw new JsonException("The answer is not a JSON object.");
        string? id = null, token = null;
        var question = 0;
        var done = false;
        double serverMs = double.NaN, aiMs = double.NaN;
        while (reader.Read())
        {
            if (reader.TokenType != JsonTokenType.PropertyName) continue;
            if (reader.CurrentDepth == 1)
            {
                if (reader.ValueTextEquals(IdName) && reader.Read()) id = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                else if (reader.ValueTextEquals(QuestionName) && reader.Read()) question = reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var q) ? q : 0;
                else if (reader.ValueTextEquals(DoneName) && reader.Read()) done = reader.TokenType == JsonTokenType.True;
                else if (reader.ValueTextEquals(TokenName) && reader.Read()) token = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                else if (!reader.ValueTextEquals(LatencyName) && reader.Read()) reader.Skip();
            }
            else if (reader.CurrentDepth == 2 && reader.ValueTextEquals(ResponseTimeName) && reader.Read())
            {
                if (reader.TokenType == JsonTokenType.Number) serverMs = reader.GetDouble();
            }
            else if (reader.CurrentDepth == 2 && reader.ValueTextEquals(AiTimeName) && reader.Read())
            {
                if (reader.TokenType == JsonTokenType.Number) aiMs = reader.GetDouble();
            }
            else if (reader.Read())
            {
                reader.Skip();
            }
        }

        return new AnswerFields(id, question, done, serverMs, aiMs, token);
    }
}
