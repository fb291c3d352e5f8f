using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Promptly.Alerts;
using Promptly.Latency;
using Promptly.Tests.Support;

namespace Promptly.Tests.Alerts;

/// <summary>
/// A server on a fake clock whose burn-rate evaluator runs once per <see cref="StepAsync"/>: responses are stored at
/// the fake now, the clock moves one evaluation interval, and the step returns once the evaluation it set off is done.
/// </summary>
internal sealed class AlertsServer : IAsyncDisposable
{
    /// <summary>Unlike any other timer the server arms, so that waiting for a timer of this length waits for the evaluator.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(17);

    private AlertsServer(ObservedTimeProvider time, PromptlyFactory factory)
    {
        Time = time;
        Factory = factory;
        Client = factory.CreateClient();
    }

    public ObservedTimeProvider Time { get; }

    public PromptlyFactory Factory { get; }

    public HttpClient Client { get; }

    public static async Task<AlertsServer> StartAsync(Dictionary<string, string?>? settings = null)
    {
        var time = new ObservedTimeProvider();
        time.SetUtcNow(new DateTimeOffset(2025, 3, 3, 9, 0, 0, TimeSpan.Zero));
        var all = new Dictionary<string, string?>(settings ?? []) { ["Alerts:EvaluationSeconds"] = ((int)Interval.TotalSeconds).ToString() };
        var server = new AlertsServer(time, PromptlyFactory.OnClock(time, all));
        await time.ArmedAsync(Interval); // the evaluation at the start is done
        return server;
    }

    /// <summary>Stores <paramref name="good"/> responses within budget and <paramref name="bad"/> over it, then runs one evaluation.</summary>
    public async Task StepAsync(int good, int bad, string interviewType = "PRACTICE")
    {
        var now = Time.GetUtcNow();
        await Factory.Services.SaveAsync(Enumerable.Range(0, good + bad)
            .Select(i => StoredResponses.Record(LatencyChannels.Text, i, now, interviewType, thresholdMs: i < bad ? 100 : 2000)));
        Time.Advance(Interval);
        await Time.ArmedAsync(Interval);
    }

    /// <summary>Stops the server and starts another on its data and clock; returns once its first evaluation is done.</summary>
    public async Task<AlertsServer> RestartAsync()
    {
        Client.Dispose();
        var next = new AlertsServer(Time, await Factory.RestartAsync());
        await Time.ArmedAsync(Interval);
        return next;
    }

    /// <summary>Steps until <paramref name="until"/> holds of the alerts, at most <paramref name="steps"/> times; returns the steps taken.</summary>
    public async Task<int> StepUntilAsync(int good, int bad, Func<AlertList, bool> until, int steps = 200, string interviewType = "PRACTICE")
    {
        for (var step = 1; step <= steps; step++)
        {
            await StepAsync(good, bad, interviewType);
            if (until(Board)) return step;
        }

        throw new Xunit.Sdk.XunitException($"Not reached in {steps} evaluations: {System.Text.Json.JsonSerializer.Serialize(Board, AlertsJson.Default.AlertList)}");
    }

    /// <summary>The alerts as the evaluator left them.</summary>
    public AlertList Board => Factory.Services.GetRequiredService<AlertBoard>().List();

    public async Task<AlertList> AlertsAsync() => (await Client.GetFromJsonAsync("/api/alerts", AlertsJson.Default.AlertList))!;

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Factory.DisposeAsync();
    }
}
