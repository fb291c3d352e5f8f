using Promptly.Load.Voice;

namespace Promptly.Tests.Load.Voice;

public sealed class VoiceLoadRecorderTests
{
    private static VoiceLatency Record(double eotWait, double total) => new(total, new() { ["eot_wait"] = eotWait, ["stt"] = 1 }, false, null);

    [Fact]
    public void Latency_BeforeMeasuring_CountsTheTurnButNotTheRecord()
    {
        var recorder = new VoiceLoadRecorder();

        recorder.TurnEnded("silence");
        recorder.Latency(Record(900, 1000), silenceMs: 800);
        var figures = recorder.Figures(20);

        Assert.Equal(1, figures.Turns);
        Assert.Equal(0, figures.ResponseTime.Count);
    }

    [Fact]
    public void Figures_EotWait_TellsWhatTheServerAddsToTheSilence()
    {
        var recorder = new VoiceLoadRecorder();
        recorder.StartMeasuring();

        recorder.Latency(Record(810, 900), silenceMs: 800);
        recorder.Latency(Record(850, 1000), silenceMs: 800);
        var figures = recorder.Figures(20);

        Assert.Equal(30, figures.EotBeyondSilence.P50, 6);
        Assert.Equal(50, figures.EotBeyondSilence.Max, 6);
        Assert.Equal(950, figures.ResponseTime.P50, 6);
        Assert.Equal(["eot_wait", "stt"], figures.Phases.Keys);
    }

    [Fact]
    public void Backlog_ManyStreams_KeepsTheLargestInMilliseconds()
    {
        var recorder = new VoiceLoadRecorder();

        recorder.Backlog(3);
        recorder.Backlog(7);
        recorder.Backlog(2);

        Assert.Equal(140, recorder.Figures(20).MaxClientLagMs);
    }
}
