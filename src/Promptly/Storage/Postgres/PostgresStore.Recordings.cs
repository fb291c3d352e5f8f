using Promptly.Interviews;
using Promptly.Storage.Rows;
using static Promptly.Storage.StoredTime;

namespace Promptly.Storage.Postgres;

internal sealed partial class PostgresStore : ITurnRecordingStore
{
    public Task SaveRecordingAsync(TurnRecording recording, CancellationToken cancellationToken) =>
        _writer.WriteAsync(context => context.ExecuteAsync(
            """
            INSERT INTO turn_recordings (session_id, question_number, sample_rate, pcm, created_at) VALUES ($1, $2, $3, $4, $5)
            ON CONFLICT (session_id, question_number) DO UPDATE SET sample_rate = excluded.sample_rate, pcm = excluded.pcm, created_at = excluded.created_at
            """,
            recording.SessionId, recording.QuestionNumber, recording.SampleRate, recording.Pcm, ToUnixMs(recording.At)), cancellationToken);

    public async Task<TurnRecording?> RecordingAsync(string sessionId, int questionNumber, CancellationToken cancellationToken)
    {
        var rows = await QueryAsync(
            $"SELECT {StoredRows.RecordingColumns} FROM turn_recordings WHERE session_id = $1 AND question_number = $2",
            StoredRows.Recording,
            cancellationToken, sessionId, questionNumber);
        return rows.FirstOrDefault();
    }
}
