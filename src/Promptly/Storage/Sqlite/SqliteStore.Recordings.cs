using Promptly.Interviews;
using Promptly.Storage.Rows;
using static Promptly.Storage.StoredTime;

namespace Promptly.Storage.Sqlite;

internal sealed partial class SqliteStore : ITurnRecordingStore
{
    public Task SaveRecordingAsync(TurnRecording recording, CancellationToken cancellationToken) =>
        _writer.WriteAsync(context => context.Execute(
            "INSERT OR REPLACE INTO turn_recordings (session_id, question_number, sample_rate, pcm, created_at) VALUES (@p0, @p1, @p2, @p3, @p4)",
            recording.SessionId, recording.QuestionNumber, recording.SampleRate, recording.Pcm, ToUnixMs(recording.At)), cancellationToken);

    public async Task<TurnRecording?> RecordingAsync(string sessionId, int questionNumber, CancellationToken cancellationToken)
    {
        var rows = await QueryAsync(
            $"SELECT {StoredRows.RecordingColumns} FROM turn_recordings WHERE session_id = @p0 AND question_number = @p1",
            StoredRows.Recording,
            cancellationToken, sessionId, questionNumber);
        return rows.FirstOrDefault();
    }
}
