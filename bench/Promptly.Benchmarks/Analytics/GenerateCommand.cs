using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Promptly.Latency;

namespace Promptly.Benchmarks.Analytics;

/// <summary>
/// <c>generate</c>: a database of N interviewer responses over the last D calendar days with the server's own schema,
/// then the server's rollup folds them into digests, timed; prints the insert rate, the rollup rate and the size per
/// million responses.
/// </summary>
internal static class GenerateCommand
{
    private const int Transaction = 50_000;
    private static readonly TimeSpan ProgressEvery = TimeSpan.FromSeconds(5);

    public static Command Create()
    {
        var responses = new Option<long>("--responses") { Description = "Responses to generate.", DefaultValueFactory = _ => 10_000_000 };
        var days = new Option<int>("--days") { Description = "Calendar days (UTC) they are spread over, today included.", DefaultValueFactory = _ => 30 };
        var data = new Option<string?>("--data") { Description = $"Data folder (default ${GeneratedData.FolderVariable} or {GeneratedData.DefaultFolder})." };
        var seed = new Option<int>("--seed") { Description = "Random seed.", DefaultValueFactory = _ => 3 };
        var overwrite = new Option<bool>("--overwrite") { Description = "Replace a database already in the folder." };
        var command = new Command("generate", "Generate latency records, fold them into digests with the server's rollup, report rates and sizes.")
        {
            responses, days, data, seed, overwrite,
        };
        command.SetAction((parse, cancellationToken) => RunAsync(parse.GetValue(responses), parse.GetValue(days), GeneratedData.Folder(parse.GetValue(data)),
            parse.GetValue(seed), parse.GetValue(overwrite), cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(long responses, int days, string folder, int seed, bool overwrite, CancellationToken cancellationToken)
    {
        if (responses < 1 || days is < 1 or > 365)
        {
            Console.Error.WriteLine("error: need at least 1 response and 1 to 365 days.");
            return 2;
        }

        var database = Path.Combine(folder, "promptly.db");
        if (File.Exists(database))
        {
            if (!overwrite)
            {
                Console.Error.WriteLine($"error: {database} exists; pass --overwrite to replace it.");
                return 2;
            }

            foreach (var file in new[] { database, database + "-wal", database + "-shm", Path.Combine(folder, "generated.json") }) File.Delete(file);
        }

        var now = TimeProvider.System.GetStoredNow();
        var from = now.UtcDateTime.Date.AddDays(-(days - 1));
        var generated = new GeneratedData(responses, days, seed, now);
        Console.WriteLine($"generate: {responses:N0} responses from {from:yyyy-MM-ddTHH:mm}Z to {now:yyyy-MM-ddTHH:mm:ss}Z (seed {seed}) into {database}");

        // The server's store creates the schema, so the tables and indexes are exactly the server's.
        await using var store = ProductServices.OpenStore(folder);
        var phaseSamples = Insert(database, new ResponseGenerator(seed, new DateTimeOffset(from).ToUnixTimeMilliseconds(), now.ToUnixTimeMilliseconds(), responses),
            responses, cancellationToken);
        generated.Write(folder);

        var rollup = ProductServices.Rollup(store, generated.Clock);
        var clock = Stopwatch.StartNew();
        var folding = rollup.CatchUpAsync(cancellationToken);
        while (await Task.WhenAny(folding, Task.Delay(ProgressEvery, cancellationToken)) != folding)
        {
            var mark = Watermark(database);
            Console.WriteLine($"  rollup {mark,12:N0} runs folded  {mark / clock.Elapsed.TotalSeconds,10:N0} runs/s");
        }

        var folded = await folding;
        var seconds = clock.Elapsed.TotalSeconds;
        // Each run is recorded into an hourly and a daily digest: its total and each of its phases.
        var histogramSamples = 2 * (folded + phaseSamples);
        Console.WriteLine($"rollup: {folded:N0} runs folded in {seconds:F1} s = {folded / seconds:N0} runs/s = {histogramSamples / seconds:N0} histogram samples/s " +
            $"({histogramSamples:N0} samples: total + {phaseSamples / (double)folded:F2} phases per run, hourly and daily)");

        Sizes(database, responses);
        return 0;
    }

    /// <summary>Inserts the rows with one prepared statement, <see cref="Transaction"/> rows per transaction; returns the phase samples written.</summary>
    private static long Insert(string database, ResponseGenerator generator, long responses, CancellationToken cancellationToken)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = database, Pooling = false }.ToString());
        connection.Open();
        Execute(connection, "PRAGMA synchronous = FULL;");
        using var insert = connection.CreateCommand();
        insert.CommandText =
            "INSERT INTO latency_records (session_id, candidate, interview_type, concept_id, question_number, response_time_ms, ai_processing_time_ms, phases, threshold_ms, severe_ms, failed, error, timestamp) " +
            "VALUES (@p0, @p1, @p2, @p3, @p4, @p5, @p6, @p7, @p8, @p9, @p10, @p11, @p12)";
        var p = new SqliteParameter[13];
        for (var i = 0; i < p.Length; i++) p[i] = insert.Parameters.Add(new SqliteParameter($"@p{i}", null));
        insert.Prepare();

        var row = new GeneratedResponse();
        long phases = 0;
        var clock = Stopwatch.StartNew();
        var lastReport = TimeSpan.Zero;
        for (long done = 0; done < responses;)
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var transaction = connection.BeginTransaction();
            insert.Transaction = transaction;
            for (var i = 0; i < Transaction && done < responses; i++, done++)
            {
                generator.Next(row);
                p[0].Value = row.SessionId;
                p[1].Value = (object?)row.Candidate ?? DBNull.Value;
                p[2].Value = row.InterviewType;
                p[3].Value = row.ConceptId;
                p[4].Value = row.QuestionNumber;
                p[5].Value = row.ResponseTimeMs;
                p[6].Value = row.AiMs;
                p[7].Value = row.Phases;
                p[8].Value = row.ThresholdMs;
                p[9].Value = row.SevereMs;
                p[10].Value = row.Failed ? 1 : 0;
                p[11].Value = (object?)row.Error ?? DBNull.Value;
                p[12].Value = row.TimestampMs;
                insert.ExecuteNonQuery();
                phases += row.Failed ? 3 : 4;
            }

            transaction.Commit();
            if (clock.Elapsed - lastReport >= ProgressEvery || done == responses)
            {
                lastReport = clock.Elapsed;
                Console.WriteLine($"  insert {done,12:N0} rows  {done / clock.Elapsed.TotalSeconds,10:N0} rows/s");
            }
        }

        Execute(connection, "PRAGMA wal_checkpoint(TRUNCATE);");
        Console.WriteLine($"insert: {responses:N0} rows in {clock.Elapsed.TotalSeconds:F1} s = {responses / clock.Elapsed.TotalSeconds:N0} rows/s");
        return phases;
    }

    private static long Watermark(string database)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = database, Pooling = false, Mode = SqliteOpenMode.ReadOnly }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT last_id FROM analytics_watermarks WHERE feed = 'responses'";
        return command.ExecuteScalar() is long id ? id : 0;
    }

    /// <summary>File size, and the digests' part of it, per million responses.</summary>
    private static void Sizes(string database, long responses)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = database, Pooling = false }.ToString());
        connection.Open();
        Execute(connection, "PRAGMA wal_checkpoint(TRUNCATE);");
        var millions = responses / 1_000_000.0;
        var file = new FileInfo(database).Length;
        Console.WriteLine($"size: {Megabytes(file)} file = {Megabytes(file / millions)} per million responses");

        using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*), coalesce(sum(length(histogram)), 0) FROM latency_digests";
        using (var reader = command.ExecuteReader())
        {
            reader.Read();
            var (digests, histograms) = (reader.GetInt64(0), reader.GetInt64(1));
            Console.WriteLine($"  latency_digests: {digests:N0} digests, histogram blobs {Megabytes(histograms)} ({histograms / Math.Max(1, digests):N0} B each on average)");
        }

        // This SQLite has no dbstat table: the digests' share is measured by copying them into an empty file with the same table definition.
        var copy = Path.Combine(Path.GetDirectoryName(database)!, "digests-only.db");
        File.Delete(copy);
        command.CommandText = "SELECT sql FROM sqlite_master WHERE name = 'latency_digests'";
        var definition = (string)command.ExecuteScalar()!;
        command.CommandText = $"ATTACH DATABASE '{copy}' AS copy";
        command.ExecuteNonQuery();
        command.CommandText = definition.Replace("CREATE TABLE latency_digests", "CREATE TABLE copy.latency_digests", StringComparison.Ordinal) +
            "; INSERT INTO copy.latency_digests SELECT * FROM main.latency_digests ORDER BY size, bucket_start, source, interview_type, phase;";
        command.ExecuteNonQuery();
        command.CommandText = "DETACH DATABASE copy";
        command.ExecuteNonQuery();
        var digestBytes = new FileInfo(copy).Length;
        File.Delete(copy);
        Console.WriteLine($"  digests alone (copied to an empty file): {Megabytes(digestBytes)} = {Megabytes(digestBytes / millions)} per million responses; " +
            $"raw rows and their indexes: {Megabytes(file - digestBytes)} = {Megabytes((file - digestBytes) / millions)} per million responses");
    }

    private static string Megabytes(double bytes) => (bytes / (1024 * 1024)).ToString("N1", CultureInfo.InvariantCulture) + " MiB";

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
