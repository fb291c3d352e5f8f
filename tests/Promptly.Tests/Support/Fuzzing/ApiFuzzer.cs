using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Promptly.Tests.Support.Fuzzing;

/// <summary>
/// Sends generated requests to one in-memory server, a batch at a time and the batch's requests at once, and checks
/// every answer: never a 5xx (nor a failure event in a stream), every 4xx an <c>application/problem+json</c> with its
/// status; and that a rejected request stored nothing: after a batch where nothing but reads was accepted, the
/// database's fingerprint is what it was before it. The rejected writes of a batch where some writes were accepted
/// are sent again on their own and checked the same way.
/// </summary>
public sealed partial class ApiFuzzer : IAsyncDisposable
{
    /// <summary>Requests sent at once: enough to keep both cores busy, few enough that a failing batch reads easily.</summary>
    public const int BatchSize = 100;

    /// <summary>Path values are picked from the most recent ones made, so that most sessions picked are still open.</summary>
    private const int RecentValues = 32;

    private readonly PromptlyFactory _server;
    private readonly HttpClient _client;
    private readonly DatabaseFingerprint _database;
    private readonly ServerErrors _errors;

    /// <summary>Values for path parameters that the server made or knows, by <see cref="PoolOf"/>.</summary>
    private readonly Dictionary<string, List<string>> _pools = new()
    {
        ["budget/interviewType"] = ["PRACTICE", "INVITED"],
        ["turns/questionNumber"] = ["0", "1", "2", "3"],
    };

    private readonly Dictionary<int, int> _statuses = [];
    private readonly Dictionary<string, int> _routes = [];
    private int _batchesChecked;
    private int _resent;

    private ApiFuzzer(PromptlyFactory server, ServerErrors errors)
    {
        _server = server;
        _errors = errors;
        _client = server.CreateClient();
        _database = DatabaseFingerprint.Open(server.DataFolder);
        Routes = FuzzRoute.Discover(server.Services);
    }

    /// <summary>The server's routes, as found in its endpoints.</summary>
    public IReadOnlyList<FuzzRoute> Routes { get; }

    /// <summary>A server with some sessions and invitations to start from.</summary>
    public static async Task<ApiFuzzer> StartAsync()
    {
        var errors = new ServerErrors();
        var settings = new Dictionary<string, string?>
        {
            // Raw rows are kept as long as digests, so the server's own retention never deletes rows while the fuzzer compares.
            ["Analytics:RawRetentionDays"] = "3650",
            ["Analytics:DigestRetentionDays"] = "3650",
            // What is under test is what is stored, not whether it survives a power cut: no fsync per commit.
            ["Storage:Synchronous"] = "NORMAL",
            // Analytics answer from raw rows up to this many runs and from digests past it: both ways, both cheaply.
            ["Analytics:ExactRunLimit"] = "200",
        };
        var fuzzer = new ApiFuzzer(new PromptlyFactory(settings, services: s => s.AddSingleton<ILoggerProvider>(errors)), errors);
        var concepts = JsonNode.Parse(await fuzzer._client.GetStringAsync("/concepts"))!.AsArray().Select(c => c!["id"]!.GetValue<string>()).ToList();
        fuzzer._pools["concepts/id"] = concepts;
        foreach (var concept in concepts)
        {
            for (var i = 0; i < 4; i++) fuzzer.Add("sessions/id", (await fuzzer._client.StartAsync(concept)).Id());
            fuzzer.Add("invitations/token", (await fuzzer._client.PostJsonAsync("/invitations", new { concept_id = concept }))["token"]!.GetValue<string>());
        }

        return fuzzer;
    }

    /// <summary>Requests sent so far, by status (0: the request threw), resent ones included.</summary>
    public string Report() =>
        $"{_statuses.Values.Sum():N0} requests ({string.Join(", ", _statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}: {s.Value:N0}"))}), " +
        $"{_resent:N0} of them rejected writes sent again alone; database compared after {_batchesChecked:N0} batches";

    /// <summary>How many requests each route was sent, by <see cref="FuzzRoute.Key"/>.</summary>
    public IReadOnlyDictionary<string, int> SentByRoute => _routes;

    /// <summary>Sends <paramref name="batch"/> at once and checks every answer and the database; fails with the request that broke a rule.</summary>
    public async Task RunAsync(FuzzRequest[] batch)
    {
        var answers = await SendAsync(batch);
        if (answers.All(IsReadOnly)) return;

        // Some writes were accepted, so the database changed: the rejected writes of the batch are checked alone.
        var rejected = answers.Where(a => a.Status >= 400 && !a.Request.CannotWrite).Select(a => a.Request).ToArray();
        if (rejected.Length == 0) return;
        _resent += rejected.Length;
        await SendAsync(rejected);
    }

    /// <summary>Sends the requests at once, checks each answer, and checks the database when nothing was written.</summary>
    private async Task<Answer[]> SendAsync(FuzzRequest[] requests)
    {
        var before = _database.Read();
        var answers = await Task.WhenAll(requests.Select(SendAsync));
        foreach (var answer in answers) Check(answer);
        foreach (var answer in answers) Remember(answer);
        if (answers.All(IsReadOnly))
        {
            var after = _database.Read();
            if (!before.SequenceEqual(after))
            {
                Assert.Fail($"The database changed in a batch where no write was accepted:\n{Changes(before, after)}\nRequests:\n{string.Join("\n", answers.Select(a => a.ToString()))}");
            }

            _batchesChecked++;
        }

        return answers;
    }

    private static bool IsReadOnly(Answer answer) => answer.Status >= 400 || answer.Request.CannotWrite;

    private async Task<Answer> SendAsync(FuzzRequest request)
    {
        var url = Url(request);
        using var message = new HttpRequestMessage(new HttpMethod(request.Method), url);
        if (request.Body is not null)
        {
            message.Content = new ByteArrayContent(request.Body);
            if (request.ContentType is not null) message.Content.Headers.TryAddWithoutValidation("Content-Type", request.ContentType);
        }

        if (request.Accept is not null) message.Headers.TryAddWithoutValidation("Accept", request.Accept);
        try
        {
            using var response = await _client.SendAsync(message);
            var body = await response.Content.ReadAsByteArrayAsync();
            return new Answer(request, url, (int)response.StatusCode, response.Content.Headers.ContentType?.MediaType, body, null);
        }
        catch (Exception e) when (e is HttpRequestException or IOException or InvalidOperationException)
        {
            // The in-memory server throws the app's exception to the client when the response had already begun.
            return new Answer(request, url, 0, null, [], e);
        }
    }

    private void Check(Answer answer)
    {
        _statuses[answer.Status] = _statuses.GetValueOrDefault(answer.Status) + 1;
        _routes[answer.Request.Route.Key] = _routes.GetValueOrDefault(answer.Request.Route.Key) + 1;
        if (answer.Failure is not null) Assert.Fail($"The request failed on the server: {answer}\n{answer.Failure}\nThe server logged:\n{_errors.Summary()}");
        if (answer.Status >= 500) Assert.Fail($"A {answer.Status}: {answer}\nThe server logged:\n{_errors.Summary()}");
        if (answer.Status >= 400)
        {
            if (answer.MediaType != "application/problem+json") Assert.Fail($"A {answer.Status} that is not application/problem+json: {answer}");
            var status = JsonNode.Parse(answer.Body)?["status"]?.GetValue<int>();
            if (status != answer.Status) Assert.Fail($"A problem whose status is {status}, not {answer.Status}: {answer}");
        }

        if (answer.MediaType == "text/event-stream")
        {
            foreach (Match error in StreamError().Matches(Encoding.UTF8.GetString(answer.Body)))
            {
                if (JsonNode.Parse(error.Groups[1].Value)?["status"]?.GetValue<int>() >= 500) Assert.Fail($"A stream that failed with {error.Groups[1].Value}: {answer}");
            }
        }
    }

    /// <summary>Keeps the sessions and invitations the server made, so that later requests can name them.</summary>
    private void Remember(Answer answer)
    {
        if (answer.Request.Method != "POST" || answer.Status != 200 || answer.MediaType != "application/json") return;
        var made = JsonNode.Parse(answer.Body) as JsonObject;
        if (made?["token"] is JsonValue token) Add("invitations/token", token.GetValue<string>());
        else if (made?["id"] is JsonValue id && made.ContainsKey("question_number")) Add("sessions/id", id.GetValue<string>());
    }

    private void Add(string pool, string value)
    {
        if (!_pools.TryGetValue(pool, out var values)) _pools[pool] = values = [];
        values.Add(value);
    }

    /// <summary>The request's URL: each path parameter filled from its pool or with the odd value it was given.</summary>
    private string Url(FuzzRequest request)
    {
        var index = 0;
        string? previous = null;
        var segments = request.Route.Pattern.Split('/').Select(segment =>
        {
            var filled = Parameter().Replace(segment, m => Value(request.Path[index++], PoolOf(previous, m.Groups[1].Value)));
            previous = segment;
            return filled;
        });
        var path = string.Join('/', segments);
        return request.Query.Length > 0 ? $"{path}?{request.Query}" : path;
    }

    /// <summary>A parameter's pool is named by the segment before it and its name: <c>sessions/id</c> apart from <c>concepts/id</c>.</summary>
    private static string PoolOf(string? previous, string name) => $"{previous}/{name}";

    private string Value(PathValue value, string pool)
    {
        if (value.Odd is not null) return value.Odd;
        // A route added later names a pool no one fills: it gets every value made so far.
        var values = _pools.TryGetValue(pool, out var known) ? known : [.. _pools.Values.SelectMany(v => v), "x"];
        var recent = Math.Min(values.Count, RecentValues);
        return UrlGens.Escape(values[values.Count - 1 - value.Pick % recent]);
    }

    private static string Changes(IReadOnlyList<string> before, IReadOnlyList<string> after) =>
        string.Join("\n", before.Zip(after).Where(p => p.First != p.Second).Select(p => $"  {p.First}  ->  {p.Second}"));

    [GeneratedRegex(@"\{([^}:?=]+)[^}]*\}")]
    private static partial Regex Parameter();

    [GeneratedRegex(@"event: error\ndata: (.*)\n")]
    private static partial Regex StreamError();

    public async ValueTask DisposeAsync()
    {
        _database.Dispose();
        _client.Dispose();
        await _server.DisposeAsync();
    }

    /// <summary>What the server answered to one request.</summary>
    private sealed record Answer(FuzzRequest Request, string Url, int Status, string? MediaType, byte[] Body, Exception? Failure)
    {
        public override string ToString() =>
            $"{Status} {MediaType} for {Request.Method} {(Url.Length > 400 ? Url[..400] + "…" : Url)}\n    request: {Request}\n    answer: {FuzzRequest.Show(Body)}";
    }
}
