using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Promptly.Storage.Sqlite;

/// <summary>
/// Copies the WAL back into the database file (a checkpoint) on a thread and a connection of its own, so that the
/// single writer never has to. SQLite's automatic checkpoint runs inside the commit that takes the WAL past 1,000
/// pages: the writer then syncs the WAL, copies the pages, syncs the database file, and only then takes the next
/// write, so every turn queued meanwhile waits for two fsyncs it did not need (BENCHMARKS.md "Checkpoints off the
/// writer"). Each <see cref="SqliteWriter"/> has one, and its connection has that automatic checkpoint turned off
/// (<see cref="WriterPragmas"/>).
/// </summary>
/// <remarks>
/// Every <see cref="DefaultInterval"/> a passive checkpoint copies whatever is committed, blocking neither the writer nor any
/// reader; with nothing new to copy it costs next to nothing. Once the WAL is wholly copied, SQLite starts it over at
/// the next write. Under unbroken writes a passive checkpoint from beside the writer never finds it wholly copied
/// (the writer has always appended since), so once the WAL holds <see cref="DefaultRestartFrames"/> frames (or the bound
/// it was given) the writer is asked to checkpoint once between two transactions, as SQLite would have done at 1,000:
/// with nothing appended meanwhile that copies the rest, and the writer's next transaction starts the WAL over. Neither
/// kind of checkpoint waits for a reader.
/// </remarks>
internal sealed class WalCheckpointer : IDisposable
{
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromMilliseconds(200);

    /// <summary>16 MB of 4 KB pages, four times SQLite's automatic checkpoint: well above what one interval adds at light load.</summary>
    public const int DefaultRestartFrames = 4_096;

    /// <summary>
    /// Bytes of WAL file kept when the WAL starts over: well above the bound (4,096 frames, about 17 MB) and what is
    /// appended before the writer's checkpoint, so that in normal running the file is overwritten in place, never cut
    /// and grown again (an append makes each fsync commit the file's new size too).
    /// </summary>
    private const long WalSizeLimit = 64L * 1024 * 1024;

    /// <summary>
    /// The writer's connection's share: no automatic checkpoint inside its commits (only those the checkpointer asks
    /// for), and a WAL file that grew far past the bound cut back when the WAL starts over.
    /// </summary>
    public static string WriterPragmas => $"PRAGMA wal_autocheckpoint = 0; PRAGMA journal_size_limit = {WalSizeLimit};";

    private readonly SqliteConnection _connection;
    private readonly ILogger _logger;
    private readonly int _restartFrames;
    private readonly Action _writerCheckpoint;
    private readonly TimeSpan _interval;
    private readonly ManualResetEventSlim _stopping = new();
    private readonly Thread? _thread;

    /// <param name="writerCheckpoint">Asks the writer for a checkpoint between two of its transactions (<see cref="SqliteWriter.CheckpointBeforeNextTransaction"/>).</param>
    /// <param name="interval">Time between passes; <see cref="Timeout.InfiniteTimeSpan"/> for none but those asked of <see cref="Pass"/>.</param>
    public WalCheckpointer(string connectionString, Action writerCheckpoint, ILogger logger, TimeSpan interval, int restartFrames = DefaultRestartFrames)
    {
        _writerCheckpoint = writerCheckpoint;
        _connection = new SqliteConnection(connectionString);
        _connection.Open();
        // A connection learns that the database is in WAL mode when it first reads it; until then a checkpoint does
        // nothing (and says -1 frames).
        using (var read = _connection.CreateCommand())
        {
            read.CommandText = "SELECT count(*) FROM sqlite_master";
            read.ExecuteScalar();
        }

        _logger = logger;
        _restartFrames = restartFrames;
        _interval = interval;
        if (interval == Timeout.InfiniteTimeSpan) return;
        _thread = new Thread(Loop) { IsBackground = true, Name = "Promptly WAL checkpoint" };
        _thread.Start();
    }

    /// <summary>One passive checkpoint; past the bound, a request for one by the writer.</summary>
    /// <returns>The frames in the WAL, and how many of them are now copied into the database file.</returns>
    public (int Frames, int Copied) Pass()
    {
        var (frames, copied) = Passive(_connection.Handle!, _logger);
        if (frames >= _restartFrames) _writerCheckpoint();
        return (frames, copied);
    }

    /// <summary>A passive checkpoint on <paramref name="db"/>: copies what it can, waits for nobody.</summary>
    public static (int Frames, int Copied) Passive(sqlite3 db, ILogger logger)
    {
        var rc = raw.sqlite3_wal_checkpoint_v2(db, "main", raw.SQLITE_CHECKPOINT_PASSIVE, out var frames, out var copied);
        // Busy: another checkpoint is running; the next one copies what this one did not. Anything else (a full disk,
        // an I/O error) is worth a line in the log.
        if (rc is not (raw.SQLITE_OK or raw.SQLITE_BUSY)) logger.LogWarning("A WAL checkpoint failed: {Error}", raw.sqlite3_errstr(rc).utf8_to_string());
        return (frames, copied);
    }

    private void Loop()
    {
        while (!_stopping.Wait(_interval))
        {
            Pass();
        }
    }

    public void Dispose()
    {
        _stopping.Set();
        _thread?.Join();
        _connection.Dispose();
        _stopping.Dispose();
    }
}
