using Npgsql;

namespace Promptly.Storage.Postgres;

internal static class PostgresCommands
{
    /// <summary>A command whose parameters are <c>$1</c>, <c>$2</c>, … in argument order; null is SQL NULL.</summary>
    /// <remarks>
    /// Positional parameters go to the server as they are (no rewriting of names); a NULL compared in SQL
    /// (<c>$1 IS NULL OR …</c>) needs a cast there, since the server cannot infer the type of a bare NULL.
    /// </remarks>
    public static NpgsqlCommand Create(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql, IReadOnlyList<object?> args)
    {
        var command = new NpgsqlCommand(sql, connection, transaction);
        foreach (var arg in args)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = arg ?? DBNull.Value });
        }

        return command;
    }
}
