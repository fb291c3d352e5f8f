namespace Promptly.Audio;

/// <summary>
/// Voice activity from loudness alone, with no model: a frame is speech as far as it stands out above the background
/// noise. The noise floor is the quietest frame of the last two seconds, so steady noise (a fan, a hiss) becomes the
/// floor within that time, while speech, which always dips between words, never does.
/// </summary>
/// <remarks>
/// The built-in default: no files, no native code, a few hundred nanoseconds a frame. It cannot tell speech from
/// other sounds as loud (music, a door, noise that starts suddenly, for up to two seconds); that is what
/// <see cref="SileroDetector"/> is for.
/// </remarks>
internal sealed class EnergyDetector : IVoiceActivityDetector
{
    /// <summary>32 ms at 16 kHz, the same frame as Silero so the turn detector's timing does not depend on the detector.</summary>
    public const int Frame = 512;

    // The quietest the floor is taken to be: below it, digital silence would make a breath look like speech.
    private const float FloorMinDb = -65f;

    // How far above the floor a frame must be to be even odds speech, and how sharply the odds turn around it.
    private const float MidpointDb = 12f;
    private const float SlopeDb = 2f;

    // Two seconds of frames.
    private const int History = 2 * SampleRates.Pipeline / Frame;

    private readonly float[] _levels = new float[History];
    private int _count;
    private int _next;

    public int FrameSamples => Frame;

    /// <summary>The current noise floor in dBFS, for tests and diagnostics.</summary>
    public float NoiseFloorDb { get; private set; } = FloorMinDb;

    public float SpeechProbability(ReadOnlySpan<float> frame)
    {
        var level = LevelDb(frame);
        _levels[_next] = level;
        _next = (_next + 1) % History;
        if (_count < History) _count++;

        var floor = float.MaxValue;
        for (var i = 0; i < _count; i++) floor = MathF.Min(floor, _levels[i]);
        NoiseFloorDb = MathF.Max(floor, FloorMinDb);

        return 1f / (1f + MathF.Exp(-(level - NoiseFloorDb - MidpointDb) / SlopeDb));
    }

    public void Reset()
    {
        _count = 0;
        _next = 0;
        NoiseFloorDb = FloorMinDb;
    }

    public void Dispose()
    {
    }

    /// <summary>The frame's RMS level in dB relative to full scale.</summary>
    public static float LevelDb(ReadOnlySpan<float> frame)
    {
        var energy = 0f;
        foreach (var sample in frame) energy += sample * sample;
        return 10f * MathF.Log10(energy / Math.Max(frame.Length, 1) + 1e-10f);
    }
}
