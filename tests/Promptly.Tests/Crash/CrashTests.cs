using System.Diagnostics;
using System.Security.Cryptography;
using Promptly.Tests.Support;
using Xunit.Abstractions;

namespace Promptly.Tests.Crash;

/// <summary>
/// The real server in a process of its own, killed with SIGKILL while typed turns, voice turns and event batches are
/// in flight, then started again on the same data: whatever it acknowledged must be there, whole, and the database
/// file intact. Its assertions hold however the kill lands; only where it lands varies from run to run.
/// </summary>
public sealed class CrashTests(ITestOutputHelper output)
{
    private const int TextClients = 4;
    private const int VoiceClients = 2;
    private const int IngestClients = 2;

    // Enough acknowledged writes of every kind that each is checked, few enough for a few seconds on a busy machine.
    private static readonly KillPoint KillPoint = new(TextTurns: 150, VoiceTurns: 12, EventBatches: 12);

    // A hang guard, not a timing: the load waits for the kill point itself (or a client that ended), however slow the
    // machine; only a load that makes no progress for this long fails the test.
    private static readonly TimeSpan LoadPatience = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task Server_KilledUnderLoad_RestartKeepsEveryAcknowledgedWriteWholeAndTheDatabaseIntact()
    {
        // Under the test run's folder, so that even a test host that dies leaves nothing behind once the next run starts.
        var folder = PromptlyFactory.NewDataFolder();
        var data = Path.Combine(folder, "data");
        Directory.CreateDirectory(folder);
        var key = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        var took = Stopwatch.StartNew();
        try
        {
            await using var speech = await FakeSpeechServer.StartAsync();
            var settings = Settings(speech);
            var log = new WriteLog(KillPoint);

            await using (var server = await ServerProcess.StartAsync(folder, data, key, settings))
            {
                var loadTook = Stopwatch.StartNew();
                var clients = StartLoad(server, key, log);
                var load = Task.WhenAll(clients);
                // A client that ends before the kill point has failed (or sent all it may): the kill comes at once.
                await Task.WhenAny(log.KillPointReached, Task.WhenAny(clients)).WaitAsync(LoadPatience);
                var inFlight = log.MarkKilled();
                server.Kill();
                try
                {
                    await load;
                }
                catch
                {
                    // A load client failed before the kill: the server's own words say why.
                    output.WriteLine(server.OutputTail);
                    throw;
                }

                output.WriteLine($"Killed at {took.Elapsed.TotalSeconds:F1} s, after {loadTook.Elapsed.TotalSeconds:F1} s of load: {log.TextTurns} text turns, " +
                    $"{log.VoiceTurns} voice turns, {log.AcknowledgedBatches.Count} event batches acknowledged ({log.Sessions.Count} sessions), " +
                    $"{inFlight} writes in flight.");
            }

            Assert.True(log.TextTurns > 0 && log.VoiceTurns > 0 && log.AcknowledgedBatches.Count > 0, "Every kind of write was acknowledged before the kill.");
            var database = Path.Combine(data, "promptly.db");
            // As the crash left it, before a new server opens it.
            Assert.Equal("ok", DatabaseFile.IntegrityCheck(database));

            await using (var restarted = await ServerProcess.StartAsync(folder, data, key, settings))
            {
                output.WriteLine($"Restarted at {took.Elapsed.TotalSeconds:F1} s.");
                var open = await StoredWrites.AssertSessionsAsync(restarted.Client, log);

                // Every interview the crash interrupted goes on where it stopped.
                foreach (var (id, question) in open)
                {
                    var turn = await restarted.Client.TurnAsync(id, "After the restart: I still like it because it is creamy.");
                    Assert.Equal(question + 1, turn["question_number"]!.GetValue<int>());
                }

                Assert.Equal(0, await restarted.StopAsync());
            }

            Assert.Equal("ok", DatabaseFile.IntegrityCheck(database));
            AssertBatchesWhole(DatabaseFile.RunIds(database, EventIngestLoad.Source), log);
            output.WriteLine($"Took {took.Elapsed.TotalSeconds:F1} s.");
        }
        finally
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>Every client of every kind, each running until the kill (or its own bound); a client's task fails when it failed before the kill.</summary>
    private static Task[] StartLoad(ServerProcess server, string key, WriteLog log) =>
    [
        .. Enumerable.Range(0, TextClients).Select(c => Task.Run(() => TextTurnLoad.RunAsync(server.Client, log, c, maxTurns: 10_000))),
        .. Enumerable.Range(0, VoiceClients).Select(c => Task.Run(() => VoiceTurnLoad.RunAsync(server, key, log, c, maxTurns: 1_000))),
        .. Enumerable.Range(0, IngestClients).Select(c => Task.Run(() => EventIngestLoad.RunAsync(server.Client, log, c, maxBatches: 1_000))),
    ];

    /// <summary>
    /// Voice on the fake speech server with no deadlines in reach (a loaded machine must not turn a turn into a request
    /// to repeat it), and the interviewer's audio unpaced, so that voice turns go as fast as typed ones.
    /// </summary>
    private static Dictionary<string, string?> Settings(FakeSpeechServer speech) => speech.Settings(new()
    {
        ["Voice:AudioLeadMs"] = "3600000",
        ["Voice:SttDeadlineMs"] = "600000",
        ["Voice:Stt:TimeoutMs"] = "600000",
        ["Voice:Tts:FirstAudioDeadlineMs"] = "600000",
        ["Voice:Tts:FallbackToEspeak"] = "false",
        ["Logging:LogLevel:Default"] = "Warning",
        // The host's "Application started." is what the test waits for (ServerProcess).
        ["Logging:LogLevel:Microsoft.Hosting.Lifetime"] = "Information",
    });

    /// <summary>Every acknowledged batch is stored, and every batch sent is stored whole or not at all, once.</summary>
    private static void AssertBatchesWhole(List<string> stored, WriteLog log)
    {
        Assert.Equal(stored.Count, stored.Distinct().Count());
        var present = stored.ToHashSet();
        foreach (var batch in log.AcknowledgedBatches)
        {
            Assert.True(batch.RunIds.All(present.Contains), $"Acknowledged batch {batch.Id} is not all stored.");
        }

        var sent = log.SentBatches.ToArray();
        foreach (var batch in sent)
        {
            var count = batch.RunIds.Count(present.Contains);
            Assert.True(count == 0 || count == batch.RunIds.Count, $"Batch {batch.Id} is stored in part: {count} of {batch.RunIds.Count} events.");
        }

        Assert.Equal(stored.Count, sent.Sum(b => b.RunIds.Count(present.Contains)));
    }
}
