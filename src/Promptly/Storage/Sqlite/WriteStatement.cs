using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Promptly.Storage.Sqlite;

/// <summary>
/// One statement of the writer's hot path, prepared once on the writer's connection and run again and again with
/// positional parameters (<c>?1</c>, <c>?2</c>, …) bound straight into SQLite: no parameter objects, no lookups by
/// name, and strings handed over as UTF-16 spans, so a run allocates nothing.
/// </summary>
/// <remarks>Used by the writer's thread only, inside its open transaction.</remarks>
internal sealed class WriteStatement : IDisposable
{
    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _statement;

    public WriteStatement(sqlite3 db, string sql)
    {
        _db = db;
        var rc = raw.sqlite3_prepare_v3(db, sql, raw.SQLITE_PREPARE_PERSISTENT, out _statement, out var tail);
        SqliteException.ThrowExceptionForRC(rc, db);
        if (!string.IsNullOrWhiteSpace(tail))
        {
            _statement.Dispose();
            throw new ArgumentException($"One statement only, not '{sql}'.", nameof(sql));
        }
    }

    public WriteStatement Bind(int index, long value) => Check(raw.sqlite3_bind_int64(_statement, index, value));

    public WriteStatement Bind(int index, long? value) =>
        value is { } v ? Bind(index, v) : Check(raw.sqlite3_bind_null(_statement, index));

    public WriteStatement Bind(int index, double value) => Check(raw.sqlite3_bind_double(_statement, index, value));

    public WriteStatement Bind(int index, double? value) =>
        value is { } v ? Bind(index, v) : Check(raw.sqlite3_bind_null(_statement, index));

    public WriteStatement Bind(int index, string? value) =>
        Check(value is null ? raw.sqlite3_bind_null(_statement, index) : raw.sqlite3_bind_text16(_statement, index, value.AsSpan()));

    /// <summary>Binds UTF-8 text; SQLite copies it, so the buffer may be reused at once.</summary>
    public WriteStatement BindUtf8(int index, ReadOnlySpan<byte> utf8) => Check(raw.sqlite3_bind_text(_statement, index, utf8));

    /// <summary>Runs the statement to its end and returns the number of rows it changed.</summary>
    public int Run()
    {
        var rc = raw.sqlite3_step(_statement);
        try
        {
            // The message is read before the reset, which may clear it.
            if (rc is not (raw.SQLITE_DONE or raw.SQLITE_ROW)) SqliteException.ThrowExceptionForRC(rc, _db);
            return raw.sqlite3_changes(_db);
        }
        finally
        {
            raw.sqlite3_reset(_statement);
        }
    }

    /// <summary>
    /// Runs a statement that returns one integer in its first row (<c>UPDATE … RETURNING</c>) to its end; null when it
    /// returned no row or a null.
    /// </summary>
    public long? RunReturning()
    {
        var rc = raw.sqlite3_step(_statement);
        try
        {
            if (rc == raw.SQLITE_DONE) return null;
            if (rc != raw.SQLITE_ROW) SqliteException.ThrowExceptionForRC(rc, _db);
            long? value = raw.sqlite3_column_type(_statement, 0) == raw.SQLITE_NULL ? null : raw.sqlite3_column_int64(_statement, 0);
            // SQLite makes every change at the first step; the rest only hands over the other returned rows.
            while ((rc = raw.sqlite3_step(_statement)) == raw.SQLITE_ROW) { }
            if (rc != raw.SQLITE_DONE) SqliteException.ThrowExceptionForRC(rc, _db);
            return value;
        }
        finally
        {
            raw.sqlite3_reset(_statement);
        }
    }

    private WriteStatement Check(int rc)
    {
        if (rc != raw.SQLITE_OK) SqliteException.ThrowExceptionForRC(rc, _db);
        return this;
    }

    public void Dispose() => _statement.Dispose();
}
