using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Promptly.Tests.Support;

/// <summary>How the fake speech server fails a call, if it does.</summary>
public enum FakeSpeechFailure
{
    None,

    /// <summary>Status 500 with an OpenAI-style error body.</summary>
    Status500,

    /// <summary>No answer until the client gives up (the request is aborted).</summary>
    Hang,

    /// <summary>Speech only: the first piece of audio, then nothing until the client gives up.</summary>
    HangMidStream,
}

/// <summary>An uploaded file as the fake server read it: the WAV's format and its samples (the first channel's).</summary>
public sealed record FakeUpload(string FileName, string Model, string? Language, int SampleRate, int Channels, int BitsPerSample, short[] Samples)
{
    public TimeSpan Duration => TimeSpan.FromSeconds((double)Samples.Length / SampleRate);
}

/// <summary>
/// An OpenAI-compatible audio server on 127.0.0.1 (Kestrel, a free port) for tests: POST <c>/v1/audio/transcriptions</c>
/// reads the multipart upload's WAV (strictly, so a malformed upload fails the call with 400) and answers
/// <c>{"text": …}</c> from <see cref="Transcribe"/>; POST <c>/v1/audio/speech</c> answers raw PCM16 24 kHz mono, a tone
/// of <see cref="SpeechSamplesPerChar"/> samples per input character, written in several flushed pieces.
/// </summary>
public sealed class FakeSpeechServer : IAsyncDisposable
{
    public const int SpeechSampleRate = 24_000;

    private readonly WebApplication _app;
    private readonly TaskCompletionSource _hanging = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _abandoned = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _transcribed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _transcriptions;
    private int _speeches;

    private FakeSpeechServer(WebApplication app) => _app = app;

    /// <summary>Chooses the text of a transcription from what was uploaded; thread-safe as the server calls it concurrently.</summary>
    public Func<FakeUpload, string> Transcribe { get; set; } = upload => $"{upload.Samples.Length} samples";

    public FakeSpeechFailure TranscriptionFailure { get; set; }

    public FakeSpeechFailure SpeechFailure { get; set; }

    public int SpeechSamplesPerChar { get; set; } = 240;

    public ConcurrentQueue<FakeUpload> Uploads { get; } = new();

    public ConcurrentQueue<JsonObject> SpeechRequests { get; } = new();

    public int TranscriptionCalls => Volatile.Read(ref _transcriptions);

    public int SpeechCalls => Volatile.Read(ref _speeches);

    /// <summary>Completes when a transcription has been answered.</summary>
    public Task Transcribed => _transcribed.Task;

    /// <summary>Completes when a call starts to hang (<see cref="FakeSpeechFailure.Hang"/>).</summary>
    public Task Hanging => _hanging.Task;

    /// <summary>Completes when the client aborted a hanging call.</summary>
    public Task Abandoned => _abandoned.Task;

    public string Endpoint { get; private set; } = "";

    public static async Task<FakeSpeechServer> StartAsync()
    {
        var app = LoopbackApp.Build();
        var server = new FakeSpeechServer(app);
        app.MapPost("/v1/audio/transcriptions", server.TranscribeAsync);
        app.MapPost("/v1/audio/speech", server.SpeakAsync);
        server.Endpoint = await LoopbackApp.StartAsync(app);
        return server;
    }

    /// <summary>The settings that point Promptly's speech at this server.</summary>
    public Dictionary<string, string?> Settings(Dictionary<string, string?>? more = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Voice:Stt:Endpoint"] = Endpoint,
            ["Voice:Stt:ApiKey"] = "test",
            ["Voice:Tts:Endpoint"] = Endpoint,
            ["Voice:Tts:ApiKey"] = "test",
        };
        foreach (var (key, value) in more ?? []) settings[key] = value;
        return settings;
    }

    private async Task TranscribeAsync(HttpContext context)
    {
        Interlocked.Increment(ref _transcriptions);
        var aborted = context.RequestAborted;
        var form = await context.Request.ReadFormAsync(aborted);
        if (form.Files.GetFile("file") is not { } file)
        {
            await ErrorAsync(context, 400, "no file");
            return;
        }

        using var content = new MemoryStream();
        await file.CopyToAsync(content, aborted);
        FakeUpload upload;
        try
        {
            upload = ReadWav(content.ToArray(), file.FileName, form["model"].ToString(), form["language"].FirstOrDefault());
        }
        catch (FormatException e)
        {
            await ErrorAsync(context, 400, e.Message);
            return;
        }

        Uploads.Enqueue(upload);
        if (await FailAsync(context, TranscriptionFailure)) return;
        await context.Response.WriteAsJsonAsync(new { text = Transcribe(upload) }, aborted);
        _transcribed.TrySetResult();
    }

    private async Task SpeakAsync(HttpContext context)
    {
        Interlocked.Increment(ref _speeches);
        var aborted = context.RequestAborted;
        var body = (await JsonNode.ParseAsync(context.Request.Body, cancellationToken: aborted))!.AsObject();
        SpeechRequests.Enqueue(body);
        if (SpeechFailure != FakeSpeechFailure.HangMidStream && await FailAsync(context, SpeechFailure)) return;
        if (body["response_format"]?.GetValue<string>() != "pcm")
        {
            await ErrorAsync(context, 400, "this fake speaks pcm only");
            return;
        }

        var samples = Tone(body["input"]!.GetValue<string>().Length * SpeechSamplesPerChar);
        var bytes = new byte[samples.Length * 2];
        for (var i = 0; i < samples.Length; i++) BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(i * 2), samples[i]);
        context.Response.ContentType = "audio/pcm";
        // Odd-sized pieces, so a reader that assumes whole samples per read is caught.
        const int piece = 4001;
        for (var offset = 0; offset < bytes.Length; offset += piece)
        {
            await context.Response.Body.WriteAsync(bytes.AsMemory(offset, Math.Min(piece, bytes.Length - offset)), aborted);
            await context.Response.Body.FlushAsync(aborted);
            if (SpeechFailure == FakeSpeechFailure.HangMidStream)
            {
                await FailAsync(context, FakeSpeechFailure.Hang);
                return;
            }
        }
    }

    /// <summary>A 440 Hz tone at half scale.</summary>
    public static short[] Tone(int length) =>
        Enumerable.Range(0, length).Select(i => (short)(16_000 * Math.Sin(2 * Math.PI * 440 * i / SpeechSampleRate))).ToArray();

    private async Task<bool> FailAsync(HttpContext context, FakeSpeechFailure failure)
    {
        switch (failure)
        {
            case FakeSpeechFailure.Status500:
                await ErrorAsync(context, 500, "fake 500");
                return true;
            case FakeSpeechFailure.Hang:
                _hanging.TrySetResult();
                try
                {
                    await Task.Delay(Timeout.Infinite, context.RequestAborted);
                }
                catch (OperationCanceledException)
                {
                    _abandoned.TrySetResult();
                }

                return true;
            default:
                return false;
        }
    }

    private static Task ErrorAsync(HttpContext context, int status, string message)
    {
        context.Response.StatusCode = status;
        return context.Response.WriteAsJsonAsync(new { error = new { message, type = "server_error" } });
    }

    /// <summary>Reads a PCM WAV file without Promptly's own reader, so a fault there cannot hide itself.</summary>
    private static FakeUpload ReadWav(byte[] wav, string fileName, string model, string? language)
    {
        var span = wav.AsSpan();
        if (span.Length < 12 || !span[..4].SequenceEqual("RIFF"u8) || !span[8..12].SequenceEqual("WAVE"u8)) throw new FormatException("not RIFF/WAVE");
        if (BinaryPrimitives.ReadInt32LittleEndian(span[4..]) != span.Length - 8) throw new FormatException("RIFF size is not the file's");
        int? rate = null, channels = null, bits = null;
        for (var position = 12; position + 8 <= span.Length;)
        {
            var id = span.Slice(position, 4);
            var size = BinaryPrimitives.ReadInt32LittleEndian(span[(position + 4)..]);
            var chunk = span.Slice(position + 8, size);
            if (id.SequenceEqual("fmt "u8))
            {
                if (BinaryPrimitives.ReadInt16LittleEndian(chunk) != 1) throw new FormatException("not PCM");
                channels = BinaryPrimitives.ReadInt16LittleEndian(chunk[2..]);
                rate = BinaryPrimitives.ReadInt32LittleEndian(chunk[4..]);
                bits = BinaryPrimitives.ReadInt16LittleEndian(chunk[14..]);
                if (BinaryPrimitives.ReadInt32LittleEndian(chunk[8..]) != rate * channels * bits / 8) throw new FormatException("byte rate inconsistent");
            }
            else if (id.SequenceEqual("data"u8))
            {
                if (rate is null || bits != 16) throw new FormatException("data before fmt, or not 16-bit");
                if (position + 8 + size != span.Length) throw new FormatException("data size is not the rest of the file");
                var frames = size / 2 / channels!.Value;
                var samples = new short[frames];
                for (var i = 0; i < frames; i++) samples[i] = BinaryPrimitives.ReadInt16LittleEndian(chunk[(i * 2 * channels.Value)..]);
                return new FakeUpload(fileName, model, language, rate.Value, channels.Value, bits.Value, samples);
            }

            position += 8 + size + (size & 1);
        }

        throw new FormatException("no data chunk");
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
