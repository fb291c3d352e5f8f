using System.Text.Json.Nodes;
using Npgsql;
using Promptly.Load;
using Promptly.Tests.Cli;
using Promptly.Tests.Support;
using Xunit.Abstractions;

namespace Promptly.Tests.Deployment;

/// <summary>
/// README's two-instance deployment, for real: two server processes on one fresh PostgreSQL database, nginx from
/// deploy/nginx.conf in front of them, interviews driven through nginx by <c>promptly load --verify</c>, and one
/// instance killed with SIGKILL, or stopped as in a rolling restart (SIGTERM, after its drain), in the middle of the run. Whatever a client was told must be stored once and in order
/// (read back through the balancer by the load's own <c>--verify</c>, and straight from the database), the interviews
/// must go on through the survivor, and the analytics must count every stored response once. Its assertions hold
/// wherever the kill lands.
/// </summary>
[Collection(TimingSensitive.Name)]
public sealed class TwoInstancesTests(ITestOutputHelper output)
{
    // The run is bounded by its requests, not by time: enough on both sides of the kill that both instances served
    // many and the survivor many more after it, few enough for a few seconds of load on a busy machine.
    private const int Requests = 600;
    private const int TurnsBeforeKill = 150;
    private const int TurnsAfterKill = 100;

    // Each interview of the default guide lasts 20 turns: one start in 20 requests keeps the sessions coming.
    private const string Scenarios = "scenarios:\n  - { name: create_interview, kind: create_interview, weight: 1 }\n  - { name: take_turn, kind: take_turn, weight: 19 }\n";

    // A hang guard, not a timing: the test waits for its turn counts however slow the machine; only a load that does
    // not reach them in this long fails it.
    private static readonly TimeSpan LoadPatience = TimeSpan.FromMinutes(4);

    [FactWhenInstalled(Needs.Postgres, Needs.Nginx)]
    public Task Instance_KilledUnderPromptlyLoad_AcknowledgedTurnsStoredOnceInOrderAndInterviewsGoOn() => LoadAndLoseOneAsync(kill: true);

    /// <remarks>
    /// Asserts what the kill test does, and that the stop was clean (exit 0). How many requests fail is printed, not
    /// asserted: a request on a connection the server closes just as nginx sends it can still fail (BENCHMARKS.md,
    /// "A rolling restart"), and that is not a loss.
    /// </remarks>
    [FactWhenInstalled(Needs.Postgres, Needs.Nginx)]
    public Task Instance_StoppedUnderPromptlyLoad_DrainsAndStopsCleanlyAndInterviewsGoOn() => LoadAndLoseOneAsync(kill: false);

    private async Task LoadAndLoseOneAsync(bool kill)
    {
        await using var database = await TestDatabase.CreateAsync();
        var folders = new[] { PromptlyFactory.NewDataFolder(), PromptlyFactory.NewDataFolder() };
        var settings = new Dictionary<string, string?>
        {
            ["Storage:Provider"] = "postgres",
            ["Storage:ConnectionString"] = database.ConnectionString,
            // Summaries merge the digests both instances' rollups wrote with the runs not folded yet, never a raw
            // count: the path that counts a run twice or not at all if the rollup's lease and watermark fail.
            ["Analytics:ExactRunLimit"] = "0",
            ["Analytics:RollupIntervalMs"] = "200",
            // nginx, on this machine, as deploy/two-instances.sh trusts it.
            ["ForwardedHeaders:KnownProxies:0"] = "127.0.0.1",
            // As deploy/two-instances.sh starts them: a stopping server first sends nginx elsewhere for a moment.
            ["Shutdown:DrainSeconds"] = "2",
        };
        try
        {
            foreach (var folder in folders) Directory.CreateDirectory(folder);
            // Started together, as a deployment starts them: the schema migrates once, under the migration lock.
            var starting = folders.Select(folder => ServerProcess.StartAsync(folder, Path.Combine(folder, "data"), PromptlyFactory.OperatorKey, settings)).ToArray();
            await Task.WhenAll(starting.Select(s => s.ContinueWith(_ => { }, TaskScheduler.Default)));
            if (starting.FirstOrDefault(s => !s.IsCompletedSuccessfully) is { } failed)
            {
                foreach (var started in starting.Where(s => s.IsCompletedSuccessfully)) await started.Result.DisposeAsync();
                await failed;
            }

            await using var doomed = await starting[0];
            await using var survivor = await starting[1];
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(60) }.Authorized(PromptlyFactory.OperatorKey);
            await using var balancer = await Balancer.StartAsync([doomed.Url, survivor.Url], http);
            var results = Path.Combine(folders[0], "load.json");

            var load = LoadCommandRun.RunAsync(null, balancer.Url.ToString(), "--connections", "8", "--requests", Requests.ToString(),
                "--duration", "10m", "--sessions", "16", "--scenarios", LoadCommandRun.TempFile(Scenarios, ".yaml"), "--p95-budget-ms", "600000",
                "--verify", "--output", results);
            var atKill = await StoredTurnsAsync(database.ConnectionString, TurnsBeforeKill, load);
            Assert.False(load.IsCompleted, $"The load ended before the kill:\n{(load.IsCompletedSuccessfully ? load.Result.Output : load.Exception)}\n{doomed.OutputTail}");
            var stopping = kill ? null : doomed.StopAsync();
            if (kill) doomed.Kill();
            output.WriteLine($"{(kill ? "Killed" : "Stopped")} the first instance with {atKill} turns stored.");

            var run = await load.WaitAsync(LoadPatience);
            output.WriteLine(run.Output);
            if (stopping is not null) Assert.Equal(0, await stopping);
            // Only the requests in flight at the instance that died may fail, so the phase may miss its budget (exit
            // 1); nothing acknowledged may be missing (that would be exit 4) and every session must read back (not 2).
            Assert.True(run.ExitCode is ExitCodes.Ok or ExitCodes.BudgetMissed, $"exit {run.ExitCode}: {run.Error}\n{run.Output}\n{survivor.OutputTail}\n{balancer.ErrorLog}");
            var json = JsonNode.Parse(await File.ReadAllTextAsync(results))!;
            var verification = json["verification"]!;
            Assert.Equal((0, 0), (verification["problem_sessions"]!.GetValue<int>(), verification["unreadable"]!.GetValue<int>()));
            // nginx answers 502 for a request whose instance died under it, and never passes it on (it may have been
            // stored). Turns of one session alternate between the instances without a 409.
            var errors = json["scenarios"]!.AsArray().SelectMany(r => r!["errors"]!.AsObject()).GroupBy(e => e.Key).ToDictionary(g => g.Key, g => g.Sum(e => e.Value!.GetValue<long>()));
            Assert.Empty(errors.Keys.Except(["HTTP 502"]));
            output.WriteLine($"Failed requests: {errors.GetValueOrDefault("HTTP 502")} (HTTP 502).");

            // The database itself, where no server's cache can stand in for a row.
            var stored = await StoredTurns.ReadAsync(database.ConnectionString);
            var problems = stored.Problems().ToList();
            Assert.True(problems.Count == 0, $"{problems.Count} of {stored.Sessions} sessions stored wrongly:\n{string.Join('\n', problems.Take(20))}");
            Assert.True(stored.Turns - atKill >= TurnsAfterKill, $"The survivor stored {stored.Turns - atKill} turns after the first instance went.\n{survivor.OutputTail}");
            output.WriteLine($"{stored.Sessions} sessions stored whole and in order, {stored.Turns - atKill} turns after the first instance went; {LoadReportLine(verification)}");

            // Every response the database holds is counted once by the analytics, the killed instance's included,
            // whichever instance's rollup folded it.
            var summary = JsonNode.Parse(await http.GetStringAsync(new Uri(balancer.Url, "api/latency-analytics/summary?source=interview")))!;
            Assert.False(summary["scope"]!["exact"]!.GetValue<bool>());
            Assert.Equal(stored.Records, summary["total_count"]!.GetValue<long>());
            output.WriteLine($"Analytics count {stored.Records} responses, as stored.");
        }
        finally
        {
            foreach (var folder in folders.Where(Directory.Exists)) Directory.Delete(folder, recursive: true);
        }
    }

    private static string LoadReportLine(JsonNode verification) =>
        $"{verification["sessions"]} sessions read back through nginx, {verification["acknowledged_turns"]} turns acknowledged, {verification["stored_turns"]} stored.";

    /// <summary>
    /// Waits until the database holds <paramref name="turns"/> candidate turns, and returns how many it holds then.
    /// A bounded poll: nothing else tells the test how far the load has gone.
    /// </summary>
    private static async Task<long> StoredTurnsAsync(string connectionString, long turns, Task<LoadCommandRun> load)
    {
        using var patience = new CancellationTokenSource(LoadPatience);
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        while (true)
        {
            await using var count = dataSource.CreateCommand("SELECT count(*) FROM messages WHERE role = 'candidate'");
            var stored = (long)(await count.ExecuteScalarAsync(patience.Token))!;
            if (stored >= turns || load.IsCompleted) return stored;
            await Task.Delay(20, patience.Token);
        }
    }
}
