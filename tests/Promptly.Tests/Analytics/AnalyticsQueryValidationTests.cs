using System.Net;
using Promptly.Tests.Support;

namespace Promptly.Tests.Analytics;

/// <summary>Every analytics endpoint refuses out-of-range parameters with a 400 problem and answers valid ones.</summary>
public sealed class AnalyticsQueryValidationTests(AnalyticsQueryValidationTests.Server server) : IClassFixture<AnalyticsQueryValidationTests.Server>
{
    /// <summary>One server for the class, holding a few runs so that valid queries have something to answer.</summary>
    public sealed class Server : IAsyncLifetime
    {
        public PromptlyFactory Factory { get; } = new();

        public HttpClient Client { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            Client = Factory.CreateClient();
            var at = DateTimeOffset.UtcNow.AddMinutes(-5);
            await Client.IngestAsync(Enumerable.Range(0, 30).Select(i =>
                AnalyticsApi.Event("ci", at, phases: new Dictionary<string, double> { ["Build"] = 100 + i, ["Test"] = 50 + i }, interviewType: i % 2 == 0 ? "PRACTICE" : null)));
        }

        public async Task DisposeAsync() => await Factory.DisposeAsync();
    }

    private static readonly string[] Endpoints = ["summary", "by-phase", "bottlenecks", "trends", "recommendations"];

    public static TheoryData<string> InvalidQueries => new()
    {
        "days=0",
        "days=-3",
        "days=abc",
        "days=1.5",
        "days=99999",
        "days=2147483648",
        "from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z",
        "from=garbage",
        "to=not-a-time",
        "days=7&from=2026-01-01T00:00:00Z",
        "source=a%20b",
        "source=a/b",
        "source=" + new string('s', 65),
        "interview_type=PRACTICE%20ROUND",
        "interview_type=%3Bdrop",
        // Times at the calendar's ends: a window's arithmetic (a default start 7 days before, a trend's baseline) left it.
        "to=0001-01-01T00:00:00Z",
        "from=0001-01-01T00:00:00Z",
        "from=9999-12-31T00:00:00Z&to=9999-12-31T23:59:59Z",
        "to=1969-12-31T23:59:59Z",
        // Without 'to' the window ends now: a 'from' after it would be an inverted, empty window.
        "from=9000-01-01T00:00:00Z",
        // A name's pattern must not take a final newline for its end.
        "source=ci%0A",
        "interview_type=PRACTICE%0A",
    };

    [Theory]
    [MemberData(nameof(InvalidQueries))]
    public async Task AnyEndpoint_InvalidWindowOrFilter_400Problem(string query)
    {
        foreach (var endpoint in Endpoints)
        {
            var problem = await server.Client.AnalyticsAsync($"{endpoint}?{query}", HttpStatusCode.BadRequest);
            Assert.Equal(400, problem["status"].Long());
            Assert.False(string.IsNullOrWhiteSpace(problem["detail"].Text()), endpoint);
        }
    }

    [Theory]
    [InlineData("trends?interval=week")]
    [InlineData("trends?interval=minute&days=1")]
    [InlineData("trends?interval=hour&days=60")]
    [InlineData("trends?interval=hour&days=32")]
    [InlineData("trends?interval=hour&from=2026-01-01T00:00:00Z&to=2026-03-01T00:00:00Z")]
    [InlineData("bottlenecks?threshold_ms=0")]
    [InlineData("bottlenecks?threshold_ms=-1")]
    [InlineData("bottlenecks?threshold_ms=abc")]
    [InlineData("bottlenecks?threshold_ms=NaN")]
    [InlineData("bottlenecks?threshold_ms=Infinity")]
    [InlineData("bottlenecks?threshold_ms=1e400")]
    [InlineData("bottlenecks?threshold_ms=604800001")]
    public async Task Endpoint_InvalidOwnParameter_400Problem(string endpointAndQuery)
    {
        var problem = await server.Client.AnalyticsAsync(endpointAndQuery, HttpStatusCode.BadRequest);
        Assert.False(string.IsNullOrWhiteSpace(problem["detail"].Text()));
    }

    [Theory]
    [InlineData("")]
    [InlineData("days=1")]
    [InlineData("days=3650")]
    [InlineData("days=7&source=ci")]
    [InlineData("days=7&source=ci&interview_type=practice")]
    [InlineData("days=7&source=no-such.source_1")]
    [InlineData("from=2026-01-01T00:00:00Z&to=2026-01-01T00:00:00Z")]
    [InlineData("from=2026-01-01T10:30:00%2B02:00&to=2026-01-03")]
    [InlineData("from=2025-06-01T00:00:00Z")]
    [InlineData("to=2030-01-01T00:00:00Z")]
    public async Task AnyEndpoint_ValidQuery_200WithScope(string query)
    {
        foreach (var endpoint in Endpoints)
        {
            var report = await server.Client.AnalyticsAsync($"{endpoint}?{query}");
            Assert.NotNull(report["scope"]?["from"]);
            Assert.NotNull(report["scope"]?["exact"]);
        }
    }

    [Theory]
    [InlineData("trends?interval=day&days=30")]
    [InlineData("trends?interval=DAY")]
    [InlineData("trends?interval=hour&days=31")]
    [InlineData("trends?interval=hour&days=1")]
    [InlineData("bottlenecks?threshold_ms=250.5")]
    [InlineData("bottlenecks?threshold_ms=604800000")]
    public async Task Endpoint_ValidOwnParameter_200(string endpointAndQuery) =>
        Assert.NotNull((await server.Client.AnalyticsAsync(endpointAndQuery))["scope"]);

    [Fact]
    public async Task Summary_DaysWindow_ScopeIsWholeCalendarDaysUtc()
    {
        var summary = await server.Client.AnalyticsAsync("summary?days=3&source=ci");
        var today = AnalyticsApi.DayFloor(DateTimeOffset.UtcNow);

        Assert.Equal(today.AddDays(-2), summary["scope"]!["from"].Time());
        Assert.Equal(today.AddDays(1), summary["scope"]!["to"].Time());
        Assert.Equal("ci", summary["scope"]!["source"].Text());
        Assert.Equal(30, summary["total_count"].Long());
        Assert.True(summary.Exact());
    }
}
