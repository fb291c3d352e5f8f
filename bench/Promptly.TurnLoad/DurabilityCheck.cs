using System.Text.Json;

namespace Promptly.TurnLoad;

/// <summary>
/// Reads every session back and checks that each turn the server acknowledged is there: question number and
/// transcript length (greeting + question and answer per turn). Run it after restarting or killing the server to
/// show that what clients were told is stored.
/// </summary>
internal static class DurabilityCheck
{
    public static async Task<(int Checked, List<string> Lost)> RunAsync(HttpClient http, IReadOnlyList<Acknowledged> acknowledged)
    {
        var lost = new List<string>();
        var done = 0;
        await Parallel.ForEachAsync(acknowledged, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (ack, ct) =>
        {
            using var response = await http.GetAsync($"/sessions/{ack.SessionId}", ct);
            string? problem = null;
            if (!response.IsSuccessStatusCode)
            {
                problem = $"{ack.SessionId}: HTTP {(int)response.StatusCode}";
            }
            else
            {
                using var json = JsonDocument.Parse(await response.Content.ReadAsStreamAsync(ct));
                var stored = json.RootElement.GetProperty("question_number").GetInt32();
                var lines = json.RootElement.GetProperty("transcript").GetArrayLength();
                if (stored < ack.QuestionNumber || lines < 1 + 2 * ack.QuestionNumber)
                {
                    problem = $"{ack.SessionId}: acknowledged Q{ack.QuestionNumber}, stored Q{stored} with {lines} messages";
                }
            }

            lock (lost)
            {
                if (problem is not null) lost.Add(problem);
                if (++done % 5000 == 0) Console.Error.WriteLine($"checked {done}/{acknowledged.Count} sessions");
            }
        });
        return (acknowledged.Count, lost);
    }

    public static async Task SaveAsync(string path, IReadOnlyList<Acknowledged> acknowledged)
    {
        await using var file = File.Create(path);
        await JsonSerializer.SerializeAsync(file, acknowledged);
    }

    public static async Task<IReadOnlyList<Acknowledged>> LoadAsync(string path)
    {
        await using var file = File.OpenRead(path);
        return await JsonSerializer.DeserializeAsync<List<Acknowledged>>(file) ?? [];
    }
}
