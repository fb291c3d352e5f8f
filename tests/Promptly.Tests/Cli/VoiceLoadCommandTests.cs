using Promptly.Load;
using Promptly.Load.Voice;
using Promptly.Tests.Support;

namespace Promptly.Tests.Cli;

/// <summary><c>promptly voice-load</c> in-process against the real server on a loopback port, and its refusals.</summary>
public sealed class VoiceLoadCommandTests
{
    private sealed record VoiceLoadRun(int ExitCode, string Output, string Error) : CommandRun(ExitCode, Output, Error);

    private static async Task<VoiceLoadRun> RunAsync(params string[] args)
    {
        var (code, output, error) = await CommandOutput.RunAsync("voice-load", null, args);
        return new VoiceLoadRun(code, output, error);
    }

    private static string Silence() => LoopbackServer.WavFile(new WavAudio(new short[1600], 16000));

    [FactWhenInstalled(Needs.EspeakNg)]
    public async Task VoiceLoad_ShortRun_ReportsWithoutErrors()
    {
        await using var server = LoopbackServer.Start(speaks: false);
        var answer = await LoopbackServer.SpeakAsync("I like oat milk.");

        var run = await RunAsync(server.Url, "--streams", "2", "--duration", "2s", "--ramp-up", "0s", "--answers", answer, "--server-pid", Environment.ProcessId.ToString());

        // How many turns a few seconds hold depends on the machine; what the report says does not.
        Assert.Contains("voice load: 2 streams", run.Output);
        Assert.Contains("errors          0", run.Output);
        Assert.Contains("interviews      2 started", run.Output);
        Assert.Contains("server cost", run.Output);
        Assert.Equal("", run.Error);
    }

    [Fact]
    public async Task VoiceLoad_ServerUnreachable_SaysSoInOneLine()
    {
        var port = LoadCommandRun.ClosedPort();

        var run = await RunAsync($"http://127.0.0.1:{port}", "--answers", Silence());

        run.AssertFailed(ExitCodes.Unavailable, "could not be reached");
    }

    [Fact]
    public async Task VoiceLoad_NoStreams_IsABadArgument()
    {
        var run = await RunAsync("http://127.0.0.1:1", "--streams", "0", "--answers", Silence());

        run.AssertFailed(ExitCodes.Usage, "--streams must be from 1 to 5,000, not 0.");
    }
}
