using System.CommandLine;
using Promptly.MemoryCheck;

// Runs turns against a running server with GET /api/diagnostics/memory enabled, samples its memory and resources
// every so many turns, and fails when the managed heap or a count keeps growing after the warm-up.
//   bench/memory.sh                      (builds, starts a Release server on a fresh data folder, runs this)
//   dotnet bench/Promptly.MemoryCheck/bin/Release/net10.0/Promptly.MemoryCheck.dll --server URL --pid PID
var server = new Option<string>("--server") { Description = "Base URL of the server.", DefaultValueFactory = _ => "http://127.0.0.1:5087" };
var pid = new Option<int?>("--pid") { Description = "The server's process id, to read VmRSS from /proc (else its reported working set)." };
var turns = new Option<int>("--turns") { Description = "Turns in all (bounded: at most 1,000,000).", DefaultValueFactory = _ => 10_000 };
var every = new Option<int>("--sample-every") { Description = "Turns between samples.", DefaultValueFactory = _ => 1_000 };
var warmup = new Option<int>("--warmup") { Description = "Turns before the growth is judged.", DefaultValueFactory = _ => 2_000 };
var clients = new Option<int>("--clients") { Description = "Concurrent clients, each running its own interviews.", DefaultValueFactory = _ => 4 };
var concept = new Option<string>("--concept") { Description = "Guide to interview on.", DefaultValueFactory = _ => "software_engineer_practice" };
var heapLimit = new Option<double>("--max-heap-growth-mb") { Description = "Managed-heap growth per 1,000 turns after warm-up that fails the check.", DefaultValueFactory = _ => 1.0 };

var root = new RootCommand("Promptly memory check: managed heap, RSS, threads, timers, open files and cached sessions per 1,000 turns.")
{
    server, pid, turns, every, warmup, clients, concept, heapLimit,
};
root.SetAction(async parse =>
{
    if (!Uri.TryCreate(parse.GetValue(server), UriKind.Absolute, out var baseUri) || baseUri.Scheme is not ("http" or "https"))
    {
        Console.Error.WriteLine($"error: --server must be an http(s) URL, not '{parse.GetValue(server)}'.");
        return 2;
    }

    var options = new MemoryCheckOptions(baseUri, parse.GetValue(pid), parse.GetValue(turns), parse.GetValue(every), parse.GetValue(warmup),
        parse.GetValue(clients), parse.GetValue(concept)!, parse.GetValue(heapLimit));
    if (options.Problem() is { } problem)
    {
        Console.Error.WriteLine($"error: {problem}");
        return 2;
    }

    try
    {
        var samples = await new MemoryCheckRun(options).RunAsync();
        var verdict = GrowthReport.Write(Console.Out, options, samples);
        return verdict ? 0 : 1;
    }
    catch (Exception e) when (e is HttpRequestException or InvalidOperationException or TaskCanceledException or IOException)
    {
        Console.Error.WriteLine($"error: {e.Message.ReplaceLineEndings(" ")}");
        return 2;
    }
});
return await root.Parse(args).InvokeAsync();
