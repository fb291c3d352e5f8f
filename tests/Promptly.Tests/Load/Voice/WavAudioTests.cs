using System.Buffers.Binary;
using Promptly.Load.Voice;

namespace Promptly.Tests.Load.Voice;

public sealed class WavAudioTests
{
    private static short[] Tone(int rate, double hz, double seconds) =>
        [.. Enumerable.Range(0, (int)(rate * seconds)).Select(i => (short)(10_000 * Math.Sin(2 * Math.PI * hz * i / rate)))];

    private static int ZeroCrossings(short[] samples) => samples.Zip(samples.Skip(1)).Count(p => p.First < 0 != p.Second < 0);

    [Fact]
    public void Parse_EncodedAudio_RoundTrips()
    {
        var audio = new WavAudio(Tone(16000, 440, 0.1), 16000);

        var read = WavAudio.Parse(audio.Encode(), "a.wav");

        Assert.Equal(16000, read.SampleRate);
        Assert.Equal(audio.Samples, read.Samples);
    }

    [Fact]
    public void Parse_StreamingDataSize_ReadsToTheEndOfTheFile()
    {
        // espeak-ng writing to a pipe does not know the length and writes a placeholder.
        var bytes = new WavAudio([1, 2, 3], 22050).Encode();
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(40), 0x7FFFF000);

        var read = WavAudio.Parse(bytes, "a.wav");

        Assert.Equal([1, 2, 3], read.Samples);
        Assert.Equal(22050, read.SampleRate);
    }

    [Fact]
    public void Parse_Stereo_SaysAnswersMustBePcm16Mono()
    {
        var bytes = new WavAudio([1, 2, 3, 4], 16000).Encode();
        BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(22), 2);

        var e = Assert.Throws<InvalidDataException>(() => WavAudio.Parse(bytes, "stereo.wav"));

        Assert.Contains("stereo.wav is 2 channel(s)", e.Message);
        Assert.Contains("PCM16 mono", e.Message);
    }

    [Fact]
    public void Parse_NotRiff_SaysItIsNotAWavFile()
    {
        var e = Assert.Throws<InvalidDataException>(() => WavAudio.Parse("hello, this is text"u8, "notes.wav"));

        Assert.Equal("notes.wav is not a WAV file (no RIFF/WAVE header).", e.Message);
    }

    [Fact]
    public void ResampledTo_EspeakRateTo16k_KeepsDurationAndPitch()
    {
        var audio = new WavAudio(Tone(22050, 440, 1), 22050);

        var resampled = audio.ResampledTo(16000);

        Assert.Equal(16000, resampled.SampleRate);
        Assert.Equal(16000, resampled.Samples.Length);
        Assert.InRange(ZeroCrossings(resampled.Samples), ZeroCrossings(audio.Samples) - 2, ZeroCrossings(audio.Samples) + 2);
    }

    [Fact]
    public void Frames_LastFrameShort_IsPaddedWithSilence()
    {
        var audio = new WavAudio([.. Enumerable.Repeat((short)7, 330)], 16000);

        var frames = audio.Frames(20);

        Assert.Equal(2, frames.Length);
        Assert.All(frames, f => Assert.Equal(640, f.Length));
        Assert.Equal(7, BinaryPrimitives.ReadInt16LittleEndian(frames[1].AsSpan(2 * 9)));
        Assert.Equal(0, BinaryPrimitives.ReadInt16LittleEndian(frames[1].AsSpan(2 * 10)));
    }
}
