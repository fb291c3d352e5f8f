using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.Extensions.AI;

// ITextToSpeechClient is experimental (MEAI001) in Microsoft.Extensions.AI 10.x: accepted, as its shape may still change
// and the Speech folder is the only one that would have to follow.
#pragma warning disable MEAI001

namespace Promptly.Speech;

/// <summary>
/// Offline text to speech with the espeak-ng program: one process per sentence, its WAV output (22050 Hz) streamed as
/// PCM while it is written. Robotic, but free, local and fast enough that the first audio comes within milliseconds.
/// </summary>
/// <param name="program">The espeak-ng executable, as <see cref="Locate"/> found it.</param>
/// <param name="options">Voice, speed and the process limit; <see cref="TtsOptions.Espeak"/> is not read, <paramref name="program"/> is.</param>
/// <remarks>
/// The text goes to the process on stdin, never on its command line, so no text can become an option or a shell word.
/// At most <see cref="TtsOptions.MaxProcesses"/> run at once. A process is killed, with any children, when its sentence
/// is cancelled or abandoned, and awaited so it leaves no zombie.
/// </remarks>
internal sealed class EspeakTextToSpeechClient(string program, TtsOptions options) : ITextToSpeechClient
{
    /// <summary>The key of <see cref="TextToSpeechResponseUpdate.AdditionalProperties"/> that holds the process id, for diagnostics.</summary>
    public const string ProcessIdKey = "espeak.pid";

    private readonly SemaphoreSlim _slots = new(options.MaxProcesses, options.MaxProcesses);

    /// <summary>The full path of <paramref name="program"/>: itself when it names a file, else the first match on the PATH; null when missing.</summary>
    public static string? Locate(string program)
    {
        if (program.Contains(Path.DirectorySeparatorChar) || program.Contains(Path.AltDirectorySeparatorChar))
            return File.Exists(program) ? Path.GetFullPath(program) : null;
        return (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, program)).FirstOrDefault(File.Exists);
    }

    public async Task<TextToSpeechResponse> GetAudioAsync(string text, TextToSpeechOptions? options = null, CancellationToken cancellationToken = default)
    {
        var pcm = new MemoryStream();
        string? mediaType = null;
        await foreach (var update in GetStreamingAudioAsync(text, options, cancellationToken))
        {
            foreach (var content in update.Contents.OfType<DataContent>())
            {
                pcm.Write(content.Data.Span);
                mediaType = content.MediaType;
            }
        }

        return new TextToSpeechResponse([new DataContent(pcm.ToArray(), mediaType ?? "audio/l16;rate=22050;channels=1")]);
    }

    public async IAsyncEnumerable<TextToSpeechResponseUpdate> GetStreamingAudioAsync(
        string text, TextToSpeechOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(text);
        await _slots.WaitAsync(cancellationToken);
        try
        {
            using var process = Start(options);
            // Killing the process on cancellation ends its stdout, which ends a read that a pipe would not cancel itself.
            await using var kill = cancellationToken.Register(() => Kill(process));
            var errors = process.StandardError.ReadToEndAsync(CancellationToken.None);
            var feeding = FeedAsync(process, text);
            try
            {
                var output = process.StandardOutput.BaseStream;
                var buffer = new byte[8192];
                var header = new MemoryStream();
                string? mediaType = null;
                long? remaining = null;
                int read;
                while ((read = await ReadAsync(output, buffer, cancellationToken)) > 0)
                {
                    var pcm = buffer.AsMemory(0, read);
                    if (mediaType is null)
                    {
                        header.Write(pcm.Span);
                        if (!TryReadHeader(header, out mediaType, out var offset, out remaining)) continue;
                        pcm = header.ToArray().AsMemory(offset);
                    }

                    if (remaining is { } left)
                    {
                        pcm = pcm[..(int)Math.Min(pcm.Length, left)];
                        remaining = left - pcm.Length;
                    }

                    if (pcm.IsEmpty) continue;
                    var update = new TextToSpeechResponseUpdate([new DataContent(pcm.ToArray(), mediaType)]) { Kind = TextToSpeechResponseUpdateKind.AudioUpdating };
                    update.AdditionalProperties = new() { [ProcessIdKey] = process.Id };
                    yield return update;
                }

                cancellationToken.ThrowIfCancellationRequested();
                await process.WaitForExitAsync(cancellationToken);
                if (process.ExitCode != 0)
                    throw new SpeechFailedException($"espeak-ng exited with {process.ExitCode}: {FirstLine(await errors)}");
                if (mediaType is null) throw new SpeechFailedException($"espeak-ng wrote no audio: {FirstLine(await errors)}");
            }
            finally
            {
                Kill(process);
                await process.WaitForExitAsync(CancellationToken.None);
                await feeding;
            }
        }
        finally
        {
            _slots.Release();
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is null && serviceType.IsInstanceOfType(this) ? this : null;

    public void Dispose() => _slots.Dispose();

    private Process Start(TextToSpeechOptions? request)
    {
        var wordsPerMinute = Math.Clamp((int)Math.Round(options.EspeakWordsPerMinute * (request?.Speed ?? 1f)), 80, 500);
        var start = new ProcessStartInfo(program)
        {
            // Voice and speed come from validated settings only; -b 1: the text is UTF-8; --stdin: all of it is read
            // before speaking, so it is spoken as one utterance.
            ArgumentList = { "-v", options.EspeakVoice, "-s", wordsPerMinute.ToString(CultureInfo.InvariantCulture), "-b", "1", "--stdout", "--stdin" },
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardInputEncoding = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false),
            UseShellExecute = false,
        };
        try
        {
            return Process.Start(start) ?? throw new SpeechFailedException($"espeak-ng ({program}) did not start.");
        }
        catch (Win32Exception e)
        {
            throw new SpeechFailedException($"espeak-ng ({program}) could not be started: {e.Message}", e);
        }
    }

    // Written alongside the reading: a process that wrote more than a pipe holds before reading all its input would
    // otherwise wait on us while we wait on it.
    private static async Task FeedAsync(Process process, string text)
    {
        try
        {
            await process.StandardInput.WriteAsync(text);
            process.StandardInput.Close();
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            // The process ended without reading its input (a bad voice, a kill); its exit code and stderr tell why.
        }
    }

    private static async ValueTask<int> ReadAsync(Stream output, byte[] buffer, CancellationToken cancellationToken)
    {
        try
        {
            return await output.ReadAsync(buffer, cancellationToken);
        }
        catch (IOException e)
        {
            throw new SpeechFailedException($"espeak-ng's output could not be read: {e.Message}", e);
        }
    }

    private static bool TryReadHeader(MemoryStream header, out string mediaType, out int offset, out long? dataLength)
    {
        mediaType = "";
        WavFormat format;
        try
        {
            if (!Wav.TryReadHeader(header.GetBuffer().AsSpan(0, (int)header.Length), out format, out offset, out dataLength)) return false;
        }
        catch (FormatException e)
        {
            throw new SpeechFailedException($"espeak-ng wrote no usable WAV: {e.Message}", e);
        }

        if (format is not { Channels: 1, BitsPerSample: 16 })
            throw new SpeechFailedException($"espeak-ng wrote {format.Channels} channels of {format.BitsPerSample} bits, not PCM16 mono.");
        mediaType = string.Create(CultureInfo.InvariantCulture, $"audio/l16;rate={format.SampleRate};channels=1");
        return true;
    }

    private static void Kill(Process process)
    {
        try
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // It exited between the check and the kill.
        }
    }

    private static string FirstLine(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? "(nothing on stderr)";
}
