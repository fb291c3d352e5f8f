using Promptly.Cli;
using Promptly.Load;
using Promptly.Load.Voice;
using Promptly.Tests.Support;

namespace Promptly.Tests.Cli;

/// <summary><c>promptly talk</c> in-process against the real server on a loopback port, and its refusals.</summary>
public sealed class TalkCommandTests
{
    private sealed record TalkRun(int ExitCode, string Output, string Error) : CommandRun(ExitCode, Output, Error);

    private static async Task<TalkRun> RunAsync(params string[] args)
    {
        var (code, output, error) = await CommandOutput.RunAsync("talk", null, args);
        return new TalkRun(code, output, error);
    }

    private static string Silence() => LoopbackServer.WavFile(new WavAudio(new short[1600], 16000));

    [FactWhenInstalled(Needs.EspeakNg)]
    public async Task Talk_EspeakAnswers_HoldsTheInterviewAndSavesTheReplies()
    {
        await using var server = LoopbackServer.Start();
        var answers = new[] { await LoopbackServer.SpeakAsync("I like oat milk because it is creamy."), await LoopbackServer.SpeakAsync("Every morning, in my coffee.") };
        var replies = Path.Combine(Path.GetTempPath(), "promptly-tests", Guid.NewGuid().ToString("N"));

        var run = await RunAsync(server.Url, "--answers", answers[0], answers[1], "--fast", "--out", replies);

        run.AssertOk();
        Assert.Contains("answer(s) at 16000 Hz, fast.", run.Output);
        Assert.Matches(@"(?m)^Q0  interviewer: "".+""$", run.Output);
        Assert.Matches(@"(?m)^Q\d+  heard ""\(speech not transcribed.*→  "".+""  [\d,.]+ ms \(eot_wait [\d,.]+ · turn_queue [\d,.]+ · stt", run.Output);
        Assert.Contains("2 turn(s); voice-to-voice response time median", run.Output);
        Assert.Equal(["00-question.wav", "01-question.wav", "02-question.wav"], Directory.GetFiles(replies).Select(Path.GetFileName).Order());
        var greeting = WavAudio.Read(Path.Combine(replies, "00-question.wav"));
        Assert.Equal(16000, greeting.SampleRate);
        Assert.NotEmpty(greeting.Samples);
    }

    [FactWhenInstalled(Needs.EspeakNg)]
    public async Task Talk_ExistingSession_ContinuesIt()
    {
        await using var server = LoopbackServer.Start(speaks: false);
        using var http = new HttpClient();
        var driver = new InterviewDriver(http, ServerUrl.Parse(server.Url)!, TalkCommand.DefaultConcept, "test", TimeProvider.System);
        var (_, session) = await driver.StartAsync(CancellationToken.None);

        var run = await RunAsync(server.Url, "--session", session!.Id, "--answers", await LoopbackServer.SpeakAsync("Creamy."), "--fast");

        run.AssertOk();
        Assert.Contains($"Session {session.Id}:", run.Output);
        Assert.Contains("1 turn(s)", run.Output);
    }

    [Fact]
    public async Task Talk_UnknownSession_SaysSoInOneLine()
    {
        await using var server = LoopbackServer.Start(speaks: false);

        var run = await RunAsync(server.Url, "--session", "nope", "--answers", Silence());

        run.AssertFailed(ExitCodes.Usage, "Session 'nope' does not exist");
    }

    [Fact]
    public async Task Talk_ServerUnreachable_SaysSoInOneLine()
    {
        var port = LoadCommandRun.ClosedPort();

        var run = await RunAsync($"http://127.0.0.1:{port}", "--answers", Silence());

        run.AssertFailed(ExitCodes.Unavailable, $"The server at http://127.0.0.1:{port}/ could not be reached");
    }

    [Fact]
    public async Task Talk_NotAWavFile_RefusesBeforeCallingTheServer()
    {
        var notes = LoadCommandRun.TempFile("not audio", ".wav");

        var run = await RunAsync("http://127.0.0.1:1", "--answers", notes);

        run.AssertFailed(ExitCodes.Usage, "is not a WAV file");
    }

    [Fact]
    public async Task Talk_SampleRateTheServerRefuses_SaysWhichItAccepts()
    {
        var run = await RunAsync("http://127.0.0.1:1", "--answers", Silence(), "--sample-rate", "22050");

        run.AssertFailed(ExitCodes.Usage, "--sample-rate must be one of 8000, 16000, 24000, 48000, not 22050.");
    }

    [Fact]
    public void ReadAnswers_RateTheServerRefuses_ResamplesTo16k()
    {
        var espeakRate = LoopbackServer.WavFile(new WavAudio(new short[22050], 22050));
        var wideband = LoopbackServer.WavFile(new WavAudio(new short[16000], 16000));

        var (answers, rate) = TalkCommand.ReadAnswers([espeakRate, wideband], null);

        Assert.Equal(16000, rate);
        Assert.All(answers, a => Assert.Equal(16000, a.Samples.Length));
    }

    [Fact]
    public void ReadAnswers_AcceptedRate_SendsAtTheFirstAnswersRate()
    {
        var first = LoopbackServer.WavFile(new WavAudio(new short[480], 48000));
        var second = LoopbackServer.WavFile(new WavAudio(new short[160], 16000));

        var (answers, rate) = TalkCommand.ReadAnswers([first, second], null);

        Assert.Equal(48000, rate);
        Assert.Equal(480, answers[1].Samples.Length);
    }
}
