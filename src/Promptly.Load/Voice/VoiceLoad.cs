using System.Diagnostics;
using System.Net;

namespace Promptly.Load.Voice;

/// <summary>What a voice load is asked to do.</summary>
/// <param name="Server">The base URL (see <see cref="ServerUrl.Parse"/>).</param>
/// <param name="Answers">The answers every stream speaks in turn, each at <see cref="VoiceLoadPlan.SampleRate"/>; stream i starts with answer i.</param>
/// <param name="Duration">The measured window, after <paramref name="RampUp"/>.</param>
/// <param name="RampUp">The streams start evenly over this; their turns count, their latency records do not.</param>
/// <param name="SilenceMs">The server's <c>Voice:SilenceMs</c>.</param>
/// <param name="PauseMs">Silence after each reply before the next answer.</param>
/// <param name="ServerPid">The server's process, to read its CPU time and memory; null when it is elsewhere.</param>
internal sealed record VoiceLoadSettings(
    Uri Server, int Streams, IReadOnlyList<WavAudio> Answers, TimeSpan Duration, TimeSpan RampUp, int SilenceMs, int PauseMs, string Concept, int? ServerPid);

/// <summary>A voice load's figures and what the client and server spent; CPU as cores busy over the measured window.</summary>
internal sealed record VoiceLoadResult(VoiceLoadSettings Settings, VoiceLoadFigures Figures, TimeSpan Window, double ClientCores, long ClientRssBytes, double? ServerCores, long? ServerMaxRssBytes);

/// <summary>
/// N concurrent voice interviews against a running server, each streaming real-time audio (<see cref="VoiceLoadStream"/>)
/// on one shared <see cref="FramePacer"/>, for a ramp-up and a measured window; then the server's latency records,
/// the client's view, errors, and the CPU and memory both sides used.
/// </summary>
internal static class VoiceLoad
{
    private static readonly TimeSpan ProgressEvery = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan Sample = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan StopPatience = TimeSpan.FromSeconds(10);

    /// <param name="progress">A line every few seconds.</param>
    /// <exception cref="CommandException">The server cannot be reached or refuses to start an interview.</exception>
    public static async Task<VoiceLoadResult> RunAsync(VoiceLoadSettings settings, HttpClient http, TimeProvider time, Action<string> progress, CancellationToken cancellationToken)
    {
        var driver = new InterviewDriver(http, settings.Server, settings.Concept, "voice-load", time);
        await CheckServerAsync(driver, cancellationToken);

        var rate = settings.Answers[0].SampleRate;
        var plan = new VoiceLoadPlan([.. settings.Answers.Select(a => a.Frames(VoiceTalk.FrameMs))], rate, settings.SilenceMs, Math.Max(1, settings.PauseMs / VoiceTalk.FrameMs));
        var recorder = new VoiceLoadRecorder();
        var pacer = new FramePacer(time, VoiceTalk.FrameMs);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var pacing = pacer.RunAsync(stop.Token);
        var streams = new List<Task>(settings.Streams);
        var rampStart = time.GetTimestamp();
        try
        {
            for (var i = 0; i < settings.Streams; i++)
            {
                streams.Add(new VoiceLoadStream(plan, driver, pacer, recorder, time, i).RunAsync(stop.Token));
                var due = settings.RampUp * (i + 1) / settings.Streams - time.GetElapsedTime(rampStart);
                if (due > TimeSpan.Zero) await Task.Delay(due, time, cancellationToken);
            }

            progress($"{settings.Streams} streams started in {time.GetElapsedTime(rampStart).TotalSeconds:0.0} s; measuring {settings.Duration.TotalSeconds:0} s");
            recorder.StartMeasuring();
            var self = Process.GetCurrentProcess();
            var clientCpu = self.TotalProcessorTime;
            var serverStart = settings.ServerPid is { } pid ? ProcessUsage.Read(pid) : null;
            long? serverMaxRss = serverStart?.RssBytes;
            var start = time.GetTimestamp();
            var nextProgress = ProgressEvery;
            while (time.GetElapsedTime(start) < settings.Duration)
            {
                await Task.Delay(Sample, time, cancellationToken);
                if (settings.ServerPid is { } p && ProcessUsage.Read(p) is { } now) serverMaxRss = Math.Max(serverMaxRss ?? 0, now.RssBytes);
                if (time.GetElapsedTime(start) < nextProgress) continue;
                nextProgress += ProgressEvery;
                var (turns, errors) = recorder.Progress();
                progress($"{time.GetElapsedTime(start).TotalSeconds,4:0}/{settings.Duration.TotalSeconds:0} s  turns {Counts.Format(turns)}  errors {Counts.Format(errors)}");
            }

            var window = time.GetElapsedTime(start);
            self.Refresh();
            var clientCores = (self.TotalProcessorTime - clientCpu) / window;
            double? serverCores = serverStart is { } before && settings.ServerPid is { } id && ProcessUsage.Read(id) is { } after
                ? (after.Cpu - before.Cpu) / window
                : null;
            var figures = recorder.Figures(VoiceTalk.FrameMs);
            return new VoiceLoadResult(settings, figures, window, clientCores, self.WorkingSet64, serverCores, serverMaxRss);
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll([pacing, .. streams]).WaitAsync(StopPatience, CancellationToken.None).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    /// <summary>One interview started before the streams, so an unreachable server or an unknown guide fails the run at once.</summary>
    private static async Task CheckServerAsync(InterviewDriver driver, CancellationToken cancellationToken)
    {
        try
        {
            var (answer, session) = await driver.StartAsync(cancellationToken);
            if (session is not null) return;
            var why = $"The server refused to start an interview ({answer.Error}): {answer.Problem}";
            throw answer.Status == HttpStatusCode.BadRequest ? CommandException.Usage(why) : CommandException.Unavailable(why);
        }
        catch (HttpRequestException e)
        {
            throw CommandException.Unavailable($"The server at {driver.Server} could not be reached: {e.Message}", e);
        }
    }
}
