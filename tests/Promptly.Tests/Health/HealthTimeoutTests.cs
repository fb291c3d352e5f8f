using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;
using Promptly.Health;
using Promptly.Tests.Support;

namespace Promptly.Tests.Health;

/// <summary><c>GET /health</c> against a database that never answers: 503 once the server's own clock says 2 s have gone.</summary>
public sealed class HealthTimeoutTests
{
    private static readonly TimeSpan Tick = TimeSpan.FromTicks(1);

    // A hang guard only: the answer comes as soon as the fake clock passes the timeout.
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Health_DatabaseSilent_503WhenTheServersClockPassesTwoSeconds()
    {
        var time = new FakeTimeProvider();
        var probe = new SilentProbe();
        await using var server = PromptlyFactory.OnClock(time).WithWebHostBuilder(web => web.ConfigureTestServices(services =>
        {
            services.RemoveAll<IHealthProbe>();
            services.AddSingleton<IHealthProbe>(probe);
        }));
        using var client = server.CreateClient();

        var answer = client.GetAsync("/health");
        var token = await probe.Pinged.Task.WaitAsync(Settle);
        time.Advance(TimeSpan.FromSeconds(2) - Tick);
        Assert.False(token.IsCancellationRequested);
        time.Advance(Tick);
        Assert.True(token.IsCancellationRequested);

        using var response = await answer.WaitAsync(Settle);
        var report = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("unhealthy", report["status"]!.GetValue<string>());
        Assert.Equal("failing: no answer within 2000 ms", report["database"]!.GetValue<string>());
        Assert.Equal(2000, report["database_check_ms"]!.GetValue<double>());
    }

    /// <summary>A database that takes the ping and never answers it; it hands the test the ping's token.</summary>
    private sealed class SilentProbe : IHealthProbe
    {
        public TaskCompletionSource<CancellationToken> Pinged { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task PingAsync(CancellationToken cancellationToken)
        {
            Pinged.TrySetResult(cancellationToken);
            // Never answered: ends only when the ping is cancelled, by no clock of its own.
            return new TaskCompletionSource().Task.WaitAsync(cancellationToken);
        }
    }
}
