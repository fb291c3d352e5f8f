using System.Diagnostics;
using Promptly.Speech;
using Promptly.Tests.Support;

// ITextToSpeechClient is experimental (MEAI001); these tests drive one.
#pragma warning disable MEAI001

namespace Promptly.Tests.Speech;

public sealed class EspeakTextToSpeechClientTests
{
    // About 70 words: 20 s of speech, 900 KB of PCM, far more than a pipe holds, so espeak-ng cannot have finished
    // writing (and exited) before the reader has taken most of it.
    private static readonly string LongText = string.Join(" ", Enumerable.Repeat("Please describe a time when you had to make a difficult decision with incomplete information.", 5));

    [FactWhenInstalled(Needs.EspeakNg)]
    public async Task SpeakAsync_Sentence_ReturnsAudibleSpeechOfAPlausibleLength()
    {
        var audio = await SpeakAsync(Client(), "The quick brown fox jumps over the lazy dog.");

        Assert.All(audio, piece => Assert.Equal(22_050, piece.SampleRate));
        var samples = audio.SelectMany(piece => piece.Samples.ToArray()).ToArray();
        var seconds = samples.Length / 22_050.0;
        // Nine words at 175 words a minute: about 3 s.
        Assert.InRange(seconds, 1.5, 8);
        Assert.True(Rms(samples) > 300, $"RMS {Rms(samples)}: silent");
    }

    [FactWhenInstalled(Needs.EspeakNg)]
    public async Task GetStreamingAudioAsync_LongText_YieldsAudioWhileTheProcessStillRuns()
    {
        using var client = Client();
        await using var updates = client.GetStreamingAudioAsync(LongText).GetAsyncEnumerator();

        Assert.True(await updates.MoveNextAsync());

        var pid = (int)updates.Current.AdditionalProperties![EspeakTextToSpeechClient.ProcessIdKey]!;
        using (var process = Process.GetProcessById(pid)) Assert.False(process.HasExited);
        var count = 1;
        while (await updates.MoveNextAsync()) count++;
        Assert.True(count > 1, $"{count} pieces");
    }

    [FactWhenInstalled(Needs.EspeakNg)]
    public async Task GetStreamingAudioAsync_Cancelled_KillsAndReapsTheProcess()
    {
        using var client = Client();
        using var cancel = new CancellationTokenSource();
        var updates = client.GetStreamingAudioAsync(LongText, null, cancel.Token).GetAsyncEnumerator(cancel.Token);
        Assert.True(await updates.MoveNextAsync());
        var pid = (int)updates.Current.AdditionalProperties![EspeakTextToSpeechClient.ProcessIdKey]!;

        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await updates.MoveNextAsync());
        await updates.DisposeAsync();
        Assert.Throws<ArgumentException>(() => Process.GetProcessById(pid));
    }

    [FactWhenInstalled(Needs.EspeakNg)]
    public async Task GetStreamingAudioAsync_Abandoned_KillsAndReapsTheProcess()
    {
        using var client = Client();
        var updates = client.GetStreamingAudioAsync(LongText).GetAsyncEnumerator();
        Assert.True(await updates.MoveNextAsync());
        var pid = (int)updates.Current.AdditionalProperties![EspeakTextToSpeechClient.ProcessIdKey]!;

        await updates.DisposeAsync();

        Assert.Throws<ArgumentException>(() => Process.GetProcessById(pid));
    }

    [FactWhenInstalled(Needs.EspeakNg)]
    public async Task SpeakAsync_OptionsAndShellCharactersInTheText_SpeaksThem()
    {
        var marker = Path.Combine(Path.GetTempPath(), $"promptly-speech-{Guid.NewGuid():N}");
        var text = $"--version -w {marker} ; touch {marker} $(touch {marker}) `touch {marker}` | cat && echo \"done\"";

        var samples = (await SpeakAsync(Client(), text)).SelectMany(piece => piece.Samples.ToArray()).ToArray();

        // Spoken as words: several seconds of sound, where `--version` as an option would have printed and written no audio.
        Assert.True(samples.Length > 3 * 22_050, $"{samples.Length} samples");
        Assert.True(Rms(samples) > 300);
        Assert.False(File.Exists(marker));
    }

    [FactWhenInstalled(Needs.EspeakNg)]
    public async Task SpeakAsync_UnknownVoice_ThrowsSpeechFailedWithEspeaksError()
    {
        var failure = await Assert.ThrowsAsync<SpeechFailedException>(() => SpeakAsync(Client(new TtsOptions { EspeakVoice = "nosuchvoice" }), "Hello."));

        Assert.Contains("voice does not exist", failure.Message);
    }

    [Fact]
    public async Task SpeakAsync_MissingProgram_ThrowsSpeechFailed()
    {
        var client = new EspeakTextToSpeechClient(Path.Combine(Path.GetTempPath(), "no-such-dir", "espeak-ng"), new TtsOptions());

        var failure = await Assert.ThrowsAsync<SpeechFailedException>(() => SpeakAsync(client, "Hello."));

        Assert.Contains("could not be started", failure.Message);
    }

    [Fact]
    public void Locate_MissingPath_IsNull() =>
        Assert.Null(EspeakTextToSpeechClient.Locate(Path.Combine(Path.GetTempPath(), "no-such-dir", "espeak-ng")));

    private static EspeakTextToSpeechClient Client(TtsOptions? options = null) =>
        new(EspeakTextToSpeechClient.Locate("espeak-ng")!, options ?? new TtsOptions());

    private static async Task<List<SpeechAudio>> SpeakAsync(EspeakTextToSpeechClient client, string text)
    {
        var pieces = new List<SpeechAudio>();
        await foreach (var piece in new Speaker(client).SpeakAsync(text, CancellationToken.None)) pieces.Add(piece);
        return pieces;
    }

    private static double Rms(short[] samples) => Math.Sqrt(samples.Average(s => (double)s * s));
}
