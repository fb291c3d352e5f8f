using System.CommandLine;
using System.Net;
using Promptly.Load;
using Promptly.TurnLoad;

// Drives POST /sessions/{id}/turns of a running server at full speed and reports throughput and latency.
//   dotnet run -c Release --project bench/Promptly.TurnLoad -- --server http://127.0.0.1:5080 --acks acks.json
//   (kill and restart the server)
//   dotnet run -c Release --project bench/Promptly.TurnLoad -- --server http://127.0.0.1:5080 --verify acks.json
var server = new Option<string>("--server") { Description = "Base URL of the server.", DefaultValueFactory = _ => "http://127.0.0.1:5080" };
var connections = new Option<int>("--connections") { Description = "Concurrent connections (closed loop).", DefaultValueFactory = _ => 64 };
var sessions = new Option<int>("--sessions") { Description = "Sessions kept busy; a finished one is replaced.", DefaultValueFactory = _ => 200 };
var warmup = new Option<int>("--warmup") { Description = "Seconds of warm-up, not measured.", DefaultValueFactory = _ => 5 };
var duration = new Option<int>("--duration") { Description = "Seconds measured.", DefaultValueFactory = _ => 20 };
var concept = new Option<string>("--concept") { Description = "Guide to interview on.", DefaultValueFactory = _ => "software_engineer_practice" };
var acks = new Option<string?>("--acks") { Description = "Write every acknowledged (session, question) to this file." };
var verify = new Option<string?>("--verify") { Description = "Only check that the sessions in this acks file are stored." };
var calibrate = new Option<string?>("--calibrate") { Description = "Instead of turns, GET this path (e.g. /nope, a 404) in the same closed loop: the do-nothing yardstick." };

var root = new RootCommand("Promptly turn throughput load generator (bounded: stops after warm-up + duration).")
{
    server, connections, sessions, warmup, duration, concept, acks, verify, calibrate,
};
root.SetAction(async parse =>
{
    if (ServerUrl.Parse(parse.GetValue(server)) is not { } baseUri)
    {
        Console.Error.WriteLine($"error: --server must be an http(s) URL, not '{parse.GetValue(server)}'.");
        return 2;
    }

    var options = new TurnLoadOptions(baseUri, parse.GetValue(connections), parse.GetValue(sessions),
        TimeSpan.FromSeconds(parse.GetValue(warmup)), TimeSpan.FromSeconds(parse.GetValue(duration)), parse.GetValue(concept)!, parse.GetValue(acks));
    if (options.Connections is < 1 or > 4096 || options.Sessions < options.Connections || options.Duration <= TimeSpan.Zero || options.Duration > TimeSpan.FromMinutes(30))
    {
        Console.Error.WriteLine("error: need 1..4096 connections, at least as many sessions as connections, and a duration of 1 s to 30 min.");
        return 2;
    }

    using var http = new HttpClient(new SocketsHttpHandler
    {
        MaxConnectionsPerServer = options.Connections,
        UseCookies = false,
        AutomaticDecompression = DecompressionMethods.None,
        PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
    })
    {
        BaseAddress = options.Server,
        Timeout = TimeSpan.FromSeconds(30),
    }.Authorized(ServerKey.FromEnvironment());

    try
    {
        if (parse.GetValue(verify) is { } verifyFile)
        {
            var (count, lost) = await DurabilityCheck.RunAsync(http, await DurabilityCheck.LoadAsync(verifyFile));
            Console.WriteLine($"durability: {count} sessions checked, {lost.Count} with acknowledged turns missing");
            foreach (var line in lost.Take(20)) Console.WriteLine($"  {line}");
            return lost.Count == 0 ? 0 : 1;
        }

        if (parse.GetValue(calibrate) is { } calibrationPath)
        {
            Console.Write(await new CalibrationRun(options, http, calibrationPath).RunAsync());
            return 0;
        }

        var result = await new TurnLoadRun(options, http).RunAsync();
        Console.Write(result.Format());
        if (options.AcksFile is { } path)
        {
            await DurabilityCheck.SaveAsync(path, result.Acknowledged);
            Console.WriteLine($"acknowledged turns of {result.Acknowledged.Count} sessions written to {path}");
        }

        return result.Tally.Errors.Count == 0 ? 0 : 1;
    }
    catch (HttpRequestException e)
    {
        Console.Error.WriteLine($"error: {options.Server} could not be reached: {e.Message}");
        return 2;
    }
});
return await root.Parse(args).InvokeAsync();
