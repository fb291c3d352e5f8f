using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Promptly.Budget;
using Promptly.Latency;
using Promptly.Observability;
using Promptly.Tests.Support;

namespace Promptly.Tests.Latency;

public sealed class LatencyTrackerTests
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-11-24T10:00:00Z"));
    private readonly MemoryLatencyStore _store = new();
    private readonly TestOptionsMonitor _options = new(new LatencyOptions());
    private readonly LatencySubject _subject = new("s1", "oat_milk_v1", "PRACTICE", "Ada");

    /// <summary>Commits a record alone, as a response that writes nothing else would.</summary>
    private Task StoreAsync(LatencySeal seal, CancellationToken cancellationToken) => _store.SaveLatencyAsync(LatencyBudget.Entry(seal), cancellationToken);

    private LatencyBudget Budget() => new(new BudgetPolicy(_options), _store, _time, Instruments(), NullLogger<LatencyBudget>.Instance);

    private static PromptlyInstruments Instruments() => new(new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<IMeterFactory>());

    [Fact]
    public async Task Dispose_AfterPhases_RecordsEachPhaseAndTotal()
    {
        var budget = Budget();
        var start = _time.GetTimestamp();
        _time.Advance(TimeSpan.FromMilliseconds(5));
        await using (var tracker = budget.Start(_subject, start))
        {
            using (tracker.Phase("load")) _time.Advance(TimeSpan.FromMilliseconds(10));
            using (tracker.Phase(LatencyPhases.Ai)) _time.Advance(TimeSpan.FromMilliseconds(300));
            using (tracker.Phase("persist")) _time.Advance(TimeSpan.FromMilliseconds(2));
            await tracker.CommitAsync(StoreAsync, default);
        }

        var record = Assert.Single(_store.Records);
        Assert.Equal(317, record.ResponseTimeMs, 6);
        Assert.Equal(300, record.AiProcessingTimeMs, 6);
        Assert.Equal(["load", "ai", "persist"], record.Phases.Select(p => p.Name));
        Assert.Equal(10, record.Phase("load")!.Value, 6);
        Assert.False(record.Failed);
        Assert.True(record.WithinBudget);
        Assert.Equal(_time.GetUtcNow(), record.Timestamp);
    }

    [Fact]
    public async Task AnsweredEarly_EndsTheResponseAtTheFirstOutput_PhasesCutWhereItWasReady()
    {
        var start = _time.GetTimestamp();
        await using (var tracker = Budget().Start(_subject, start))
        {
            using (tracker.Phase(LatencyPhases.Load)) _time.Advance(TimeSpan.FromMilliseconds(10));
            var call = tracker.NextPhaseStart();
            _time.Advance(TimeSpan.FromMilliseconds(200));
            // The first sentence is complete 200 ms after the first token; its audio goes out 90 ms later, while the model writes on.
            var ready = _time.GetTimestamp() + _time.TimestampFrequency / 5;
            _time.Advance(TimeSpan.FromMilliseconds(290));
            var sent = _time.GetTimestamp();
            _time.Advance(TimeSpan.FromMilliseconds(600));
            tracker.AddInterviewerCall(_time.GetElapsedTime(call), delivered: null, firstToken: TimeSpan.FromMilliseconds(200));
            tracker.AnsweredEarly(ready, sent, LatencyPhases.TtsFirstAudio);
            _time.Advance(TimeSpan.FromMilliseconds(5));
            await tracker.CommitAsync(StoreAsync, default);
        }

        var record = Assert.Single(_store.Records);
        Assert.Equal(500, record.ResponseTimeMs, 6);
        Assert.Equal([LatencyPhases.Load, LatencyPhases.AiFirstToken, LatencyPhases.Ai, LatencyPhases.TtsFirstAudio], record.Phases.Select(p => p.Name));
        Assert.Equal([10, 200, 200, 90], record.Phases.Select(p => Math.Round(p.Ms, 6)));
        Assert.Equal(400, record.AiProcessingTimeMs, 6);
    }

    [Fact]
    public async Task Phase_RepeatedName_AddsUp()
    {
        await using (var tracker = Budget().Start(_subject))
        {
            using (tracker.Phase("ai")) _time.Advance(TimeSpan.FromMilliseconds(100));
            using (tracker.Phase("ai")) _time.Advance(TimeSpan.FromMilliseconds(50));
            await tracker.CommitAsync(StoreAsync, default);
        }

        Assert.Equal(150, _store.Records[0].AiProcessingTimeMs, 6);
        Assert.Equal(["ai", LatencyPhases.Persist], _store.Records[0].Phases.Select(p => p.Name));
    }

    [Fact]
    public async Task Dispose_WhenCodeThrows_RecordsFailureAndRethrows()
    {
        var budget = Budget();
        var thrown = await Assert.ThrowsAsync<InvalidOperationException>(async () =>
        {
            await using var tracker = budget.Start(_subject);
            using (tracker.Phase("ai"))
            {
                _time.Advance(TimeSpan.FromMilliseconds(40));
                throw new InvalidOperationException("model down");
            }
        });

        Assert.Equal("model down", thrown.Message);
        var record = Assert.Single(_store.Records);
        Assert.True(record.Failed);
        Assert.False(record.WithinBudget);
        Assert.Equal(40, record.ResponseTimeMs, 6);
    }

    [Fact]
    public async Task Dispose_FailedFastResponse_IsNeverWithinBudget()
    {
        await using (var tracker = Budget().Start(_subject))
        {
            tracker.Failed("interviewer refused");
            await tracker.CommitAsync(StoreAsync, default);
        }

        var record = _store.Records[0];
        Assert.True(record.Failed);
        Assert.Equal("interviewer refused", record.Error);
        Assert.False(record.ExceededThreshold);
        Assert.False(record.WithinBudget);
    }

    [Theory]
    [InlineData(2000.0, false)]
    [InlineData(2000.5, true)]
    [InlineData(1999.0, false)]
    public async Task ExceededThreshold_IsStrictlyGreater(double ms, bool exceeded)
    {
        await using (var tracker = Budget().Start(_subject))
        {
            _time.Advance(TimeSpan.FromMilliseconds(ms));
            await tracker.CommitAsync(StoreAsync, default);
        }

        Assert.Equal(exceeded, _store.Records[0].ExceededThreshold);
        Assert.Equal(2000, _store.Records[0].ThresholdMs);
    }

    [Fact]
    public async Task Start_WithoutQuestionNumber_AutoIncrementsFromGreeting()
    {
        var budget = Budget();
        for (var i = 0; i < 3; i++)
        {
            await using var tracker = budget.Start(_subject);
            await tracker.CommitAsync(StoreAsync, default);
        }

        await using (var explicitTracker = budget.Start(_subject, questionNumber: 7)) await explicitTracker.CommitAsync(StoreAsync, default);
        await using (var next = budget.Start(_subject)) await next.CommitAsync(StoreAsync, default);

        Assert.Equal([0, 1, 2, 7, 8], _store.Records.Select(r => r.QuestionNumber));
    }

    [Fact]
    public async Task Start_WithCallOverride_UsesItOnlyForThatCall()
    {
        var budget = Budget();
        await using (var tracker = budget.Start(_subject, thresholdMs: 500))
        {
            _time.Advance(TimeSpan.FromMilliseconds(600));
            await tracker.CommitAsync(StoreAsync, default);
        }

        await using (var tracker = budget.Start(_subject))
        {
            _time.Advance(TimeSpan.FromMilliseconds(600));
            await tracker.CommitAsync(StoreAsync, default);
        }

        Assert.True(_store.Records[0].ExceededThreshold);
        Assert.Equal(500, _store.Records[0].ThresholdMs);
        Assert.False(_store.Records[1].ExceededThreshold);
    }

    [Fact]
    public async Task Policy_TypeOverrideChangedAtRunTime_AppliesToNextResponse()
    {
        var budget = Budget();
        _options.Set(new LatencyOptions { InterviewTypes = { ["PRACTICE"] = new BudgetOverride { ThresholdMs = 100 } } });
        await using (var tracker = budget.Start(_subject)) await tracker.CommitAsync(StoreAsync, default);
        budget.Policy.SetOverride("practice", new BudgetOverride { ThresholdMs = 50, SevereMs = 75 });
        await using (var tracker = budget.Start(_subject)) await tracker.CommitAsync(StoreAsync, default);
        budget.Policy.RemoveOverride("PRACTICE");
        _options.Set(new LatencyOptions());
        await using (var tracker = budget.Start(_subject)) await tracker.CommitAsync(StoreAsync, default);

        Assert.Equal([100.0, 50.0, 2000.0], _store.Records.Select(r => r.ThresholdMs));
        Assert.Equal(75, _store.Records[1].SevereMs);
    }

    [Fact]
    public async Task Severe_OverSevereLimit_StoresLatencyViolation()
    {
        await using (var tracker = Budget().Start(_subject))
        {
            _time.Advance(TimeSpan.FromMilliseconds(5001));
            await tracker.CommitAsync(StoreAsync, default);
        }

        await using (var tracker = Budget().Start(_subject))
        {
            _time.Advance(TimeSpan.FromMilliseconds(4999));
            await tracker.CommitAsync(StoreAsync, default);
        }

        var violation = Assert.Single(_store.Errors);
        Assert.Equal("LatencyViolation", violation.Type);
        Assert.Equal("s1", violation.SessionId);
        Assert.Equal(0, violation.QuestionNumber);
        Assert.Equal(5001, violation.ResponseTimeMs!.Value, 6);
        Assert.Equal(2000, violation.ThresholdMs);
    }

    [Fact]
    public async Task Dispose_StorageFailsOnSuccessfulResponse_Throws()
    {
        _store.FailWith = new IOException("disk full");
        await Assert.ThrowsAsync<IOException>(async () =>
        {
            await using var tracker = Budget().Start(_subject);
            await tracker.CommitAsync(StoreAsync, default);
        });
    }

    [Fact]
    public async Task Dispose_StorageFailsWhileResponseFails_KeepsOriginalException()
    {
        _store.FailWith = new IOException("disk full");
        await Assert.ThrowsAsync<TimeoutException>(async () =>
        {
            await using var tracker = Budget().Start(_subject);
            throw new TimeoutException();
        });
    }

    [Fact]
    public async Task Commit_WriteClosesSeal_RecordEndsAtSealAndIsNotStoredAgain()
    {
        LatencyRecord committed;
        await using (var tracker = Budget().Start(_subject))
        {
            using (tracker.Phase(LatencyPhases.Ai)) _time.Advance(TimeSpan.FromMilliseconds(100));
            committed = await tracker.CommitAsync((seal, _) =>
            {
                _time.Advance(TimeSpan.FromMilliseconds(3));
                seal.Close(); // as a store does, inside its transaction
                _time.Advance(TimeSpan.FromMilliseconds(1)); // the commit
                return Task.CompletedTask;
            }, default);
            Assert.Empty(_store.Records);
            Assert.Same(committed, tracker.Record);
        }

        Assert.Empty(_store.Records);
        Assert.Equal(103, committed.ResponseTimeMs, 6);
        Assert.Equal(3, committed.Phase(LatencyPhases.Persist)!.Value, 6);
        Assert.False(committed.Failed);
    }

    [Fact]
    public async Task Commit_WriteFails_StoresFailedRecordOnDispose()
    {
        await Assert.ThrowsAsync<IOException>(async () =>
        {
            await using var tracker = Budget().Start(_subject);
            await tracker.CommitAsync((seal, _) =>
            {
                seal.Close();
                _time.Advance(TimeSpan.FromMilliseconds(2));
                throw new IOException("commit failed");
            }, default);
        });

        var record = Assert.Single(_store.Records);
        Assert.True(record.Failed);
        Assert.Equal(2, record.ResponseTimeMs, 6);
    }

    [Fact]
    public async Task Commit_WriteNeverClosesSeal_Throws()
    {
        await using var tracker = Budget().Start(_subject);
        await Assert.ThrowsAsync<InvalidOperationException>(() => tracker.CommitAsync((_, _) => Task.CompletedTask, default));
    }

    [Fact]
    public async Task AddInterviewerCall_StreamedWithFirstToken_PhasesAddUpToTheCall()
    {
        await using var tracker = Budget().Start(_subject);
        tracker.AddInterviewerCall(TimeSpan.FromMilliseconds(500), delivered: TimeSpan.FromMilliseconds(40), firstToken: TimeSpan.FromMilliseconds(200));
        var record = await tracker.CommitAsync(StoreAsync, default);

        Assert.Equal(40, record.Phase(LatencyPhases.Stream)!.Value, 6);
        Assert.Equal(200, record.Phase(LatencyPhases.AiFirstToken)!.Value, 6);
        Assert.Equal(260, record.Phase(LatencyPhases.Ai)!.Value, 6);
        Assert.Equal(460, record.AiProcessingTimeMs, 6);
    }

    [Fact]
    public async Task AddInterviewerCall_DeliveryLongerThanCall_ClampedSoPhasesStayWithinTheCall()
    {
        await using var tracker = Budget().Start(_subject);
        tracker.AddInterviewerCall(TimeSpan.FromMilliseconds(100), delivered: TimeSpan.FromMilliseconds(150), firstToken: null);
        var record = await tracker.CommitAsync(StoreAsync, default);

        Assert.Equal(100, record.Phase(LatencyPhases.Stream)!.Value, 6);
        Assert.Equal(0, record.Phase(LatencyPhases.Ai)!.Value, 6);
    }

    private sealed class TestOptionsMonitor(LatencyOptions value) : IOptionsMonitor<LatencyOptions>
    {
        public LatencyOptions CurrentValue { get; private set; } = value;

        public void Set(LatencyOptions options) => CurrentValue = options;

        public LatencyOptions Get(string? name) => CurrentValue;

        public IDisposable? OnChange(Action<LatencyOptions, string?> listener) => null;
    }
}
