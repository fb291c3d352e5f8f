using System.Globalization;
using System.Text.Json.Nodes;
using Promptly.Tests.Support;

namespace Promptly.Tests.Cli;

/// <summary>
/// A server with 40 CI runs (Plan, Build, Test, Lint; two with a very slow Test) ingested over the last few hours,
/// and the window that holds them, for comparing what the command prints with what the API answers.
/// </summary>
public sealed class SeededAnalytics : IAsyncLifetime
{
    public const int Runs = 40;

    public PromptlyFactory Factory { get; } = new();

    public HttpClient Client { get; private set; } = null!;

    public string From { get; private set; } = "";

    public string To { get; private set; } = "";

    /// <summary>The window as query parameters.</summary>
    public string Query => $"from={Uri.EscapeDataString(From)}&to={Uri.EscapeDataString(To)}";

    /// <summary>The window as command line options.</summary>
    public string[] Window => ["--from", From, "--to", To];

    public async Task InitializeAsync()
    {
        Client = Factory.CreateClient();
        var start = DateTimeOffset.UtcNow.AddHours(-5);
        start = new DateTimeOffset(start.Year, start.Month, start.Day, start.Hour, 0, 0, TimeSpan.Zero);
        From = start.AddHours(-1).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
        To = start.AddHours(5).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
        var events = Enumerable.Range(0, Runs).Select(i => new Dictionary<string, object>
        {
            ["source"] = "ci",
            ["run_id"] = $"build-{i}",
            ["timestamp"] = start.AddMinutes(i * 5).ToString("O", CultureInfo.InvariantCulture),
            ["phases"] = new Dictionary<string, double>
            {
                ["Plan"] = 1000 + i % 5 * 100,
                ["Build"] = 20_000 + i * 137 % 40 * 250,
                ["Test"] = i is 7 or 31 ? 90_000 : 8_000 + i * 53 % 30 * 200,
                ["Lint"] = 500 + i * 10.5,
            },
        }).ToArray();
        var accepted = await Client.PostJsonAsync("/api/latency/events", events);
        Assert.Equal(Runs, accepted["accepted"]!.GetValue<int>());
    }

    /// <summary>The API's answer for one analysis over the window.</summary>
    public Task<JsonObject> ApiAsync(string analysis, string extra = "") =>
        Client.GetJsonAsync($"/api/latency-analytics/{analysis}?{Query}{extra}");

    public async Task DisposeAsync() => await Factory.DisposeAsync();
}
