using Microsoft.ML.OnnxRuntime;

namespace Promptly.Audio;

/// <summary>
/// Voice activity from the Silero VAD v5 neural network: tells speech from noise, music and clicks as loud as it. Each
/// frame is 512 samples at 16 kHz, given with the 64 samples before it (the model was trained with that context), and
/// the network's recurrent state carries from one frame to the next.
/// </summary>
/// <remarks>
/// Made by <see cref="SileroDetectorFactory"/>, which owns the model session that all streams share. Everything a frame
/// needs is allocated here once and bound to the session: a frame copies its samples in, runs, and copies the new
/// state back, with no managed allocation of its own.
/// </remarks>
internal sealed class SileroDetector : IVoiceActivityDetector
{
    public const int Frame = 512;
    private const int Context = 64;
    private const int StateSize = 2 * 1 * 128;

    private readonly InferenceSession _session;
    private readonly float[] _input = new float[Context + Frame];
    private readonly float[] _state = new float[StateSize];
    private readonly float[] _nextState = new float[StateSize];
    private readonly float[] _output = new float[1];
    private readonly OrtValue[] _values;
    private readonly OrtIoBinding _binding;
    private readonly RunOptions _run = new();

    internal SileroDetector(InferenceSession session)
    {
        _session = session;
        var input = OrtValue.CreateTensorValueFromMemory(_input, [1, Context + Frame]);
        var state = OrtValue.CreateTensorValueFromMemory(_state, [2, 1, 128]);
        var rate = OrtValue.CreateTensorValueFromMemory(new long[] { SampleRates.Pipeline }, []);
        var output = OrtValue.CreateTensorValueFromMemory(_output, [1, 1]);
        var nextState = OrtValue.CreateTensorValueFromMemory(_nextState, [2, 1, 128]);
        _values = [input, state, rate, output, nextState];
        _binding = session.CreateIoBinding();
        _binding.BindInput(SileroDetectorFactory.Input, input);
        _binding.BindInput(SileroDetectorFactory.State, state);
        _binding.BindInput(SileroDetectorFactory.Rate, rate);
        _binding.BindOutput(SileroDetectorFactory.Output, output);
        _binding.BindOutput(SileroDetectorFactory.NextState, nextState);
    }

    public int FrameSamples => Frame;

    public float SpeechProbability(ReadOnlySpan<float> frame)
    {
        if (frame.Length != Frame) throw new ArgumentException($"Silero takes frames of {Frame} samples, not {frame.Length}.", nameof(frame));
        frame.CopyTo(_input.AsSpan(Context));
        _session.RunWithBinding(_run, _binding);
        _nextState.CopyTo(_state, 0);
        _input.AsSpan(Frame, Context).CopyTo(_input);
        return _output[0];
    }

    public void Reset()
    {
        Array.Clear(_input);
        Array.Clear(_state);
    }

    public void Dispose()
    {
        _binding.Dispose();
        foreach (var value in _values) value.Dispose();
        _run.Dispose();
    }
}
