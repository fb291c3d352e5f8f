using System.Net.Http.Json;
using System.Text.Json;

namespace Promptly.MemoryCheck;

/// <summary>
/// Runs the turns in rounds of <see cref="MemoryCheckOptions.SampleEvery"/>: the clients share the round's turns,
/// each in its own interviews (a finished one is replaced), then the server is sampled while nothing else runs.
/// </summary>
internal sealed class MemoryCheckRun(MemoryCheckOptions options)
{
    // Short answers without a reason, so the interviewer probes each question: 20 turns per interview.
    private static readonly string[] Answers = ["Mostly APIs.", "A search index.", "Flaky tests.", "Caching.", "Code review.", "Listening.", "Less scope.", "A retro.", "Kotlin.", "Growth."];

    private readonly string?[] _sessions = new string?[options.Clients];
    private int _sessionsStarted;
    private int _remaining;

    public async Task<List<MemorySample>> RunAsync()
    {
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = options.Clients, PooledConnectionLifetime = Timeout.InfiniteTimeSpan })
        {
            BaseAddress = options.Server,
            Timeout = TimeSpan.FromSeconds(30),
            // The memory route is the operators'; the key comes as for the promptly tools.
            DefaultRequestHeaders = { Authorization = Environment.GetEnvironmentVariable("PROMPTLY_KEY") is { Length: > 0 } key ? new("Bearer", key) : null },
        };
        var samples = new List<MemorySample> { await SampleAsync(http, 0) };
        for (var done = 0; done < options.Turns; done += options.SampleEvery)
        {
            _remaining = options.SampleEvery;
            await Task.WhenAll(Enumerable.Range(0, options.Clients).Select(client => ClientAsync(http, client)));
            samples.Add(await SampleAsync(http, done + options.SampleEvery));
            Console.Error.Write($"\r{done + options.SampleEvery} turns");
        }

        Console.Error.WriteLine();
        return samples;
    }

    private async Task ClientAsync(HttpClient http, int client)
    {
        // Bounded: each pass takes one of the round's turns.
        while (Interlocked.Decrement(ref _remaining) >= 0)
        {
            if (_sessions[client] is null)
            {
                using var started = await PostAsync(http, "sessions", new Dictionary<string, string> { ["concept_id"] = options.Concept, ["candidate"] = "memory check" });
                _sessions[client] = started.RootElement.GetProperty("id").GetString();
                Interlocked.Increment(ref _sessionsStarted);
            }

            var answer = Answers[Random.Shared.Next(Answers.Length)];
            using var turn = await PostAsync(http, $"sessions/{_sessions[client]}/turns", new Dictionary<string, string> { ["user_input"] = answer });
            if (turn.RootElement.GetProperty("done").GetBoolean()) _sessions[client] = null;
        }
    }

    private static async Task<JsonDocument> PostAsync(HttpClient http, string path, Dictionary<string, string> body)
    {
        using var response = await http.PostAsJsonAsync(path, body);
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"POST {path} answered {(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text);
    }

    private async Task<MemorySample> SampleAsync(HttpClient http, int turns)
    {
        using var response = await http.GetAsync("api/diagnostics/memory");
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"GET /api/diagnostics/memory answered {(int)response.StatusCode}; start the server with Diagnostics__MemoryEndpoint=true.");
        }

        using var report = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var r = report.RootElement;
        var files = r.GetProperty("open_file_descriptors");
        return new MemorySample(
            turns,
            r.GetProperty("managed_heap_bytes").GetInt64(),
            options.Pid is { } pid ? await VmRssAsync(pid) : r.GetProperty("working_set_bytes").GetInt64(),
            r.GetProperty("thread_count").GetInt32(),
            r.GetProperty("active_timers").GetInt64(),
            files.ValueKind == JsonValueKind.Number ? files.GetInt32() : null,
            r.GetProperty("cached_sessions").GetInt32(),
            _sessionsStarted);
    }

    private static async Task<long> VmRssAsync(int pid)
    {
        foreach (var line in await File.ReadAllLinesAsync($"/proc/{pid}/status"))
        {
            // "VmRSS:     123456 kB"
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal)) return long.Parse(line[6..].Trim().Split(' ')[0]) * 1024;
        }

        throw new InvalidOperationException($"/proc/{pid}/status has no VmRSS line.");
    }
}
