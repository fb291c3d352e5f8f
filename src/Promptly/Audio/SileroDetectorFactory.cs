using Microsoft.ML.OnnxRuntime;
// The web SDK's implicit usings bring ASP.NET Core's session-state options of the same name.
using OnnxSessionOptions = Microsoft.ML.OnnxRuntime.SessionOptions;

namespace Promptly.Audio;

/// <summary>
/// Loads the Silero VAD v5 model once and makes a <see cref="SileroDetector"/> per stream over the one session.
/// </summary>
/// <remarks>
/// Thread-safe: ONNX Runtime's <c>Run</c> may be called concurrently on one session. The session runs each frame on the
/// calling thread alone (one intra-op thread): a frame is a few hundred microseconds of work, hundreds of streams run
/// at once, and a thread pool inside every run would only fight the server's own threads for the cores.
/// </remarks>
internal sealed class SileroDetectorFactory : IVoiceActivityDetectorFactory, IDisposable
{
    // The model's own names, as read from silero_vad_v5.onnx: input float [batch, samples], state float [2, batch, 128],
    // sr int64 scalar; output float [batch, 1], stateN float [2, batch, 128].
    internal const string Input = "input";
    internal const string State = "state";
    internal const string Rate = "sr";
    internal const string Output = "output";
    internal const string NextState = "stateN";

    private readonly InferenceSession _session;

    public SileroDetectorFactory(string modelPath)
    {
        if (!File.Exists(modelPath))
        {
            throw new FileNotFoundException(
                $"The Silero VAD model was not found at '{Path.GetFullPath(modelPath)}'. Set Voice:SileroModel to the path of silero_vad_v5.onnx " +
                "(.ci/run downloads it to .cache/silero_vad_v5.onnx), or use the energy detector.", modelPath);
        }

        using var options = new OnnxSessionOptions
        {
            IntraOpNumThreads = 1,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        };
        _session = new InferenceSession(modelPath, options);
        string[] expected = [Input, State, Rate];
        if (expected.Except(_session.InputMetadata.Keys).Any() || !_session.OutputMetadata.ContainsKey(Output) || !_session.OutputMetadata.ContainsKey(NextState))
        {
            var message = $"'{modelPath}' is not the Silero VAD v5 model: it takes {string.Join(", ", _session.InputMetadata.Keys)} and gives " +
                $"{string.Join(", ", _session.OutputMetadata.Keys)}; expected {string.Join(", ", expected)} and {Output}, {NextState}.";
            _session.Dispose();
            throw new InvalidDataException(message);
        }
    }

    public string Name => "silero";

    public IVoiceActivityDetector Create() => new SileroDetector(_session);

    public void Dispose() => _session.Dispose();
}
