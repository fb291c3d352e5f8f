using System.Globalization;
using System.Net;
using Promptly.FakeLlm;

// A fake OpenAI-compatible provider of known speed for bench/llm.sh, and the report that sets a Promptly server's
// records against it.
//   dotnet Promptly.FakeLlm.dll serve --port 5191 --first-token-ms 300 --token-ms 15 --tokens 20 --duration 30m
//   dotnet Promptly.FakeLlm.dll report --server http://127.0.0.1:5190 --fake http://127.0.0.1:5191 [--from-question 1]
// serve listens on 127.0.0.1 only and stops by itself after --duration (at most 2 h).
var options = Arguments.Parse(args.Skip(1));
switch (args.FirstOrDefault())
{
    case "serve":
        return await ServeAsync(options);
    case "report":
        return await Report.RunAsync(
            new Uri(options.GetValueOrDefault("server") ?? "http://127.0.0.1:5190"),
            new Uri(options.GetValueOrDefault("fake") ?? "http://127.0.0.1:5191"),
            int.Parse(options.GetValueOrDefault("from-question") ?? "1", CultureInfo.InvariantCulture));
    default:
        Console.Error.WriteLine("usage: Promptly.FakeLlm serve [--port P] [--first-token-ms MS] [--token-ms MS] [--tokens N] [--duration 30m]");
        Console.Error.WriteLine("       Promptly.FakeLlm report --server URL --fake URL [--from-question 1]");
        return 2;
}

static async Task<int> ServeAsync(Dictionary<string, string> options)
{
    var port = int.Parse(options.GetValueOrDefault("port") ?? "5191", CultureInfo.InvariantCulture);
    var duration = Arguments.Duration(options.GetValueOrDefault("duration") ?? "30m");
    var mode = new ProviderMode
    {
        FirstTokenMs = double.Parse(options.GetValueOrDefault("first-token-ms") ?? "300", CultureInfo.InvariantCulture),
        TokenMs = double.Parse(options.GetValueOrDefault("token-ms") ?? "15", CultureInfo.InvariantCulture),
        Tokens = int.Parse(options.GetValueOrDefault("tokens") ?? "20", CultureInfo.InvariantCulture),
    };
    var problem = mode.Problem()
        ?? (duration <= TimeSpan.Zero || duration > TimeSpan.FromHours(2) || port is < 1 or > 65535 ? "need a port 1..65535 and a duration of 1 s to 2 h" : null);
    if (problem is not null)
    {
        Console.Error.WriteLine($"error: {problem}");
        return 2;
    }

    var builder = WebApplication.CreateSlimBuilder();
    builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, port));
    builder.Logging.ClearProviders();
    builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.TypeInfoResolverChain.Insert(0, FakeLlmJson.Default));
    var app = builder.Build();
    var provider = new FakeProvider(mode, TimeProvider.System);
    app.MapGet("/health", () => TypedResults.Ok());
    app.MapPost("/v1/chat/completions", provider.CompleteAsync);
    app.MapGet("/admin/mode", () => TypedResults.Ok(provider.Mode));
    app.MapPost("/admin/mode", IResult (ModeChange change) =>
    {
        var next = provider.Mode.With(change);
        if (next.Problem() is { } invalid) return TypedResults.BadRequest(invalid);
        provider.Mode = next;
        Console.WriteLine($"{DateTimeOffset.UtcNow:O} mode {next}");
        return TypedResults.Ok(next);
    });
    app.MapGet("/admin/calls", () => TypedResults.Ok(provider.Calls));

    Console.WriteLine($"fake provider on http://127.0.0.1:{port}/v1, {mode}, stopping after {duration}");
    using var stop = new CancellationTokenSource(duration);
    await app.StartAsync(stop.Token);
    // Until SIGTERM/Ctrl+C, or until --duration is over: the bound that keeps a forgotten fake from running on.
    await app.WaitForShutdownAsync(stop.Token);
    await app.StopAsync(TimeSpan.FromSeconds(5));
    Console.WriteLine($"stopped after {provider.Count} calls");
    return 0;
}

/// <summary>The <c>--name value</c> pairs of a command line, and the durations they hold.</summary>
internal static class Arguments
{
    public static Dictionary<string, string> Parse(IEnumerable<string> args)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        string? name = null;
        foreach (var arg in args)
        {
            if (arg.StartsWith("--", StringComparison.Ordinal)) name = arg[2..];
            else if (name is not null)
            {
                result[name] = arg;
                name = null;
            }
        }

        return result;
    }

    /// <summary><c>90s</c>, <c>30m</c>, <c>1h</c>, or a number of seconds.</summary>
    public static TimeSpan Duration(string text)
    {
        var unit = text[^1];
        var number = char.IsDigit(unit) ? text : text[..^1];
        var value = double.Parse(number, CultureInfo.InvariantCulture);
        return unit switch
        {
            'm' => TimeSpan.FromMinutes(value),
            'h' => TimeSpan.FromHours(value),
            _ => TimeSpan.FromSeconds(value),
        };
    }
}
