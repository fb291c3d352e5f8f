using System.Net;
using System.Text.Json;
using Promptly.Tests.Support;

namespace Promptly.Tests.Crash;

/// <summary>
/// One client of the event ingest API: batches of runs of a pipeline of the test's own (<see cref="Source"/>), each
/// run named by a unique run id, one batch at a time until the server is killed or <c>maxBatches</c> were sent.
/// </summary>
internal static class EventIngestLoad
{
    public const string Source = "crash-test";
    private const int EventsPerBatch = 100;

    public static async Task RunAsync(HttpClient client, WriteLog log, int clientNumber, int maxBatches)
    {
        try
        {
            for (var n = 0; n < maxBatches && !log.ServerKilled; n++)
            {
                var id = $"c{clientNumber}-b{n}";
                var batch = new EventBatch(id, [.. Enumerable.Range(0, EventsPerBatch).Select(i => $"{id}-e{i}")]);
                var body = JsonSerializer.Serialize(batch.RunIds.Select((runId, i) => new
                {
                    source = Source,
                    run_id = runId,
                    phases = new Dictionary<string, double> { ["plan"] = 10 + i, ["build"] = 200 + i },
                }));
                log.Sending(batch);
                var answer = await client.PostRawAsync("/api/latency/events", body, HttpStatusCode.OK);
                Assert.Equal(EventsPerBatch, answer["accepted"]!.GetValue<int>());
                log.Acknowledged(batch);
            }
        }
        catch (Exception) when (log.ServerKilled)
        {
            // The kill cut this batch off: it was never acknowledged, so it is stored whole or not at all.
        }
    }
}
