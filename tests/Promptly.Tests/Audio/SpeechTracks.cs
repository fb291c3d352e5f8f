using System.Diagnostics;
using Promptly.Audio;

namespace Promptly.Tests.Audio;

/// <summary>
/// Real speech for the audio tests: phrases spoken by espeak-ng (22050 Hz WAV on stdout) and noise made by sox, read
/// from their WAV output and resampled to 16 kHz, then laid end to end with silences between them.
/// </summary>
internal static class SpeechTracks
{
    private static readonly Dictionary<string, short[]> Spoken = [];

    /// <summary>A phrase at 16 kHz with espeak-ng's leading and trailing silence cut, so it starts and ends with voice.</summary>
    public static short[] Say(string text)
    {
        lock (Spoken)
        {
            if (Spoken.TryGetValue(text, out var cached)) return cached;
            var (rate, samples) = Wav.Read(Run("espeak-ng", "--stdout", text));
            var speech = Trim(Resampler.Resample(samples, rate, SampleRates.Pipeline));
            Spoken[text] = speech;
            return speech;
        }
    }

    /// <summary>White noise at 16 kHz from sox, <paramref name="volume"/> of full scale.</summary>
    public static short[] Noise(double seconds, double volume = 0.02)
    {
        var (rate, samples) = Wav.Read(Run("sox", "-n", "-r", "16000", "-b", "16", "-c", "1", "-t", "wav", "-", "synth", $"{seconds}", "whitenoise", "vol", $"{volume}"));
        Assert.Equal(SampleRates.Pipeline, rate);
        return samples;
    }

    /// <summary>Adds <paramref name="noise"/> (repeated as needed) under <paramref name="track"/>, clipping as a mixer would.</summary>
    public static short[] Mix(short[] track, short[] noise) =>
        [.. track.Select((s, i) => (short)Math.Clamp(s + noise[i % noise.Length], short.MinValue, short.MaxValue))];

    /// <summary>Lays out phrases and silences (milliseconds); returns the track and where each phrase lies in it.</summary>
    public static (short[] Track, List<(long Start, long End)> Phrases) Build(params object[] parts)
    {
        var track = new List<short>();
        var phrases = new List<(long, long)>();
        foreach (var part in parts)
        {
            if (part is string text)
            {
                var speech = Say(text);
                phrases.Add((track.Count, track.Count + speech.Length));
                track.AddRange(speech);
            }
            else
            {
                track.AddRange(new short[(int)TurnDetectionOptions.Samples(Convert.ToInt64(part))]);
            }
        }

        return ([.. track], phrases);
    }

    private static short[] Trim(short[] samples)
    {
        const int Level = 300;
        var first = Array.FindIndex(samples, s => Math.Abs((int)s) > Level);
        var last = Array.FindLastIndex(samples, s => Math.Abs((int)s) > Level);
        return first < 0 ? [] : samples[first..(last + 1)];
    }

    private static byte[] Run(string program, params string[] args)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        using var output = new MemoryStream();
        var error = process.StandardError.ReadToEndAsync();
        process.StandardOutput.BaseStream.CopyTo(output);
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{program} failed: {error.Result}");
        return output.ToArray();
    }
}
