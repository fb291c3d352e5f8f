using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Promptly.Load;
using Promptly.Tests.Support;
using Xunit.Abstractions;

namespace Promptly.Tests.Deployment;

/// <summary>
/// README's two-instance deployment, for real: two server processes on one fresh PostgreSQL database, nginx from
/// deploy/nginx.conf in front of them, interviews driven through nginx by the load tools' interview driver, and one
/// instance killed with SIGKILL in the middle. Whatever a client was told must be stored once and in order (read back
/// through the balancer with <c>promptly load --verify</c>'s check, and straight from the database), the interviews
/// must go on through the survivor, and the analytics must count every stored response once. Its assertions hold
/// wherever the kill lands.
/// </summary>
[Collection(TimingSensitive.Name)]
public sealed class TwoInstancesTests(ITestOutputHelper output)
{
    private const int Clients = 8;
    private const int Slots = 16;

    // Bounds each client's loop in count as the patience bounds it in time.
    private const int MaxRequestsPerClient = 5000;

    // Enough turns on both sides of the kill that both instances served many and the survivor served them all after,
    // few enough for a few seconds of load on a busy machine.
    private const int TurnsBeforeKill = 150;
    private const int TurnsAfterKill = 150;

    // A hang guard, not a timing: the load waits for its turn counts however slow the machine; only a load that does
    // not reach them in this long fails the test.
    private static readonly TimeSpan LoadPatience = TimeSpan.FromMinutes(4);

    [FactWhenInstalled(Needs.Postgres, Needs.Nginx)]
    public async Task Instance_KilledBehindBalancer_AcknowledgedTurnsStoredOnceInOrderAndInterviewsGoOn()
    {
        await using var database = await TestDatabase.CreateAsync();
        var key = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
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
        };
        try
        {
            foreach (var folder in folders) Directory.CreateDirectory(folder);
            // Started together, as a deployment starts them: the schema migrates once, under the migration lock.
            var starting = folders.Select(folder => ServerProcess.StartAsync(folder, Path.Combine(folder, "data"), key, settings)).ToArray();
            await Task.WhenAll(starting.Select(s => s.ContinueWith(_ => { }, TaskScheduler.Default)));
            if (starting.FirstOrDefault(s => !s.IsCompletedSuccessfully) is { } failed)
            {
                foreach (var started in starting.Where(s => s.IsCompletedSuccessfully)) await started.Result.DisposeAsync();
                await failed;
            }

            await using var doomed = await starting[0];
            await using var survivor = await starting[1];
            using var http = LoadClient(key);
            await using var balancer = await Balancer.StartAsync([doomed.Url, survivor.Url], http);

            var server = ServerUrl.Parse(balancer.Url.ToString())!;
            var load = new BalancedLoad(http, server);
            using var stop = new CancellationTokenSource(LoadPatience);
            var clients = Enumerable.Range(0, Clients).Select(_ => Task.Run(() => load.RunAsync(stop.Token))).ToArray();
            var running = Task.WhenAll(clients);

            await Task.WhenAny(load.Reached(TurnsBeforeKill), running).WaitAsync(LoadPatience);
            Assert.False(running.IsCompleted, $"The load ended before the kill: {load.Describe()}\n{doomed.OutputTail}");
            load.MarkKilled();
            doomed.Kill();
            output.WriteLine($"Killed the first instance after {load.Describe()}.");

            await Task.WhenAny(load.Reached(TurnsBeforeKill + TurnsAfterKill), running).WaitAsync(LoadPatience);
            await stop.CancelAsync();
            await running;
            output.WriteLine($"Load finished: {load.Describe()}.");

            Assert.True(load.AcknowledgedAfterKill >= TurnsAfterKill,
                $"The survivor acknowledged {load.AcknowledgedAfterKill} turns after the kill: {load.Describe()}\n{survivor.OutputTail}\n{balancer.ErrorLog}");
            // Only a turn in flight at the instance that died may fail: nginx answers it 502 and never passes it on
            // (it may have been stored). Turns of one session alternate between the instances without a 409.
            Assert.Empty(load.Errors.Keys.Except(["HTTP 502"]));

            // What a user of README's deployment runs: every acknowledged session read back through the balancer.
            var verified = await StoredCheck.RunAsync(http, server, load.Acknowledged, null, CancellationToken.None);
            Assert.True(verified.AllStored, $"{LoadReport.VerificationLine(verified)}\n{string.Join('\n', verified.Problems)}");
            output.WriteLine(LoadReport.VerificationLine(verified));

            // And the database itself, where no server's cache can stand in for a row.
            var stored = await StoredTurns.ReadAsync(database.ConnectionString);
            var problems = stored.Problems().ToList();
            Assert.True(problems.Count == 0, $"{problems.Count} of {stored.Sessions} sessions stored wrongly:\n{string.Join('\n', problems.Take(20))}");
            var lost = load.Acknowledged.All
                .Where(ack => stored.QuestionNumberOf(ack.Key) is not { } question || question < ack.Value)
                .Select(ack => $"{ack.Key}: acknowledged question {ack.Value}, stored {stored.QuestionNumberOf(ack.Key)?.ToString() ?? "nothing"}")
                .ToList();
            Assert.True(lost.Count == 0, $"{lost.Count} sessions lost acknowledged turns:\n{string.Join('\n', lost.Take(20))}");
            output.WriteLine($"{stored.Sessions} sessions stored whole and in order; every acknowledged turn of {load.Acknowledged.Sessions} sessions is there.");

            // Every response the database holds is counted once by the survivor's analytics, the killed instance's
            // included, whichever instance's rollup folded it.
            var summary = JsonNode.Parse(await http.GetStringAsync(new Uri(server, "api/latency-analytics/summary?source=interview")))!;
            Assert.False(summary["scope"]!["exact"]!.GetValue<bool>());
            Assert.Equal(stored.Records, summary["total_count"]!.GetValue<long>());
            output.WriteLine($"Analytics count {stored.Records} responses, as stored.");
        }
        finally
        {
            foreach (var folder in folders.Where(Directory.Exists)) Directory.Delete(folder, recursive: true);
        }
    }

    private static HttpClient LoadClient(string key)
    {
        var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = Clients * 2, UseCookies = false })
        {
            Timeout = TimeSpan.FromSeconds(60),
        };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        return http;
    }

    /// <summary>
    /// Closed-loop clients sharing slots of interviews through the balancer (as bench/Promptly.TurnLoad does), counting
    /// what was acknowledged before and after the kill and each session's last acknowledged question.
    /// </summary>
    private sealed class BalancedLoad(HttpClient http, Uri server)
    {
        private readonly InterviewDriver _driver = new(http, server, InterviewDriver.DefaultConcept, "deployment-test", TimeProvider.System);
        private readonly ConcurrentQueue<InterviewSlot> _free = new(Enumerable.Range(0, Slots).Select(_ => new InterviewSlot()));
        private readonly AcknowledgedTurns _acknowledged = new();
        private readonly ConcurrentDictionary<string, int> _errors = [];
        private readonly List<(int Target, TaskCompletionSource Done)> _targets = [];
        private int _turns;
        private int _turnsAfterKill;
        private volatile bool _killed;

        public AcknowledgedTurns Acknowledged => _acknowledged;

        public IReadOnlyDictionary<string, int> Errors => _errors;

        public int AcknowledgedAfterKill => Volatile.Read(ref _turnsAfterKill);

        public void MarkKilled() => _killed = true;

        public Task Reached(int turns)
        {
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (_targets) _targets.Add((turns, done));
            Check();
            return done.Task;
        }

        public string Describe() =>
            $"{Volatile.Read(ref _turns)} turns acknowledged ({AcknowledgedAfterKill} after the kill) in {_acknowledged.Sessions} sessions, " +
            $"errors: {(_errors.IsEmpty ? "none" : string.Join(", ", _errors.Select(e => $"{e.Key} ×{e.Value}")))}";

        public async Task RunAsync(CancellationToken stop)
        {
            for (var sent = 0; sent < MaxRequestsPerClient && !stop.IsCancellationRequested; sent++)
            {
                if (!_free.TryDequeue(out var slot)) throw new InvalidOperationException("More clients than slots.");
                try
                {
                    // Not cancelled by stop: a turn sent is a turn whose answer the test must know.
                    var started = slot.Started.Count;
                    var answer = await _driver.NextTurnAsync(slot, CancellationToken.None);
                    if (slot.Started.Count > started) _acknowledged.Started(slot.Session!);
                    if (answer.Ok && answer.Step == DriverStep.Turn)
                    {
                        // A request sent before the kill and answered after it may have been served by either instance.
                        var after = _killed;
                        _acknowledged.Turn(slot.Session!);
                        Interlocked.Increment(ref _turns);
                        if (after) Interlocked.Increment(ref _turnsAfterKill);
                        Check();
                    }
                    else if (!answer.Ok)
                    {
                        _errors.AddOrUpdate(answer.Error!, 1, (_, n) => n + 1);
                    }
                }
                catch (Exception e) when (RequestErrors.KindOf(e, CancellationToken.None) is { } kind)
                {
                    _errors.AddOrUpdate(kind, 1, (_, n) => n + 1);
                }
                finally
                {
                    _free.Enqueue(slot);
                }
            }
        }

        private void Check()
        {
            var turns = Volatile.Read(ref _turns);
            lock (_targets)
            {
                foreach (var (target, done) in _targets.Where(t => turns >= t.Target)) done.TrySetResult();
            }
        }
    }
}
