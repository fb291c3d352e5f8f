using System.Globalization;

namespace Promptly.TurnLoad;

/// <summary>
/// The yardstick for a turn's cost: the same closed loop and connections as a turn run, but each request is a GET of
/// a route that does nothing (by default an unknown path, answered 404 by routing alone). Dividing turns/s by this
/// figure, both measured in one run, cancels out how fast and how busy the machine is.
/// </summary>
internal sealed class CalibrationRun(TurnLoadOptions options, HttpClient http, string path)
{
    private readonly MeasuredWindow _window = new(options);

    public async Task<string> RunAsync()
    {
        Console.Error.WriteLine($"calibration: GET {path}, warm-up {options.Warmup.TotalSeconds:0}s, then measuring {options.Duration.TotalSeconds:0}s ({options.Connections} connections)");
        var (counts, elapsed) = await _window.RunAsync(WorkAsync);
        var total = counts.Sum(c => c.Requests);
        var errors = counts.Sum(c => c.Errors);
        return string.Create(CultureInfo.InvariantCulture,
            $"calibration      {total} in {elapsed.TotalSeconds:0.0} s = {total / elapsed.TotalSeconds:0} requests/s (GET {path}; connection errors {errors})\n");
    }

    private async Task<(long Requests, long Errors)> WorkAsync(CancellationToken stop)
    {
        long requests = 0, errors = 0;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                // Any status counts: the route's answer is the point, not its code.
                using var response = await http.GetAsync(path, CancellationToken.None);
                await response.Content.ReadAsByteArrayAsync(CancellationToken.None);
                if (_window.Measuring) requests++;
            }
            catch (HttpRequestException)
            {
                if (_window.Measuring) errors++;
                await Task.Delay(10, CancellationToken.None);
            }
        }

        return (requests, errors);
    }
}
