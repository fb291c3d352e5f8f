namespace Promptly.Audio;

/// <summary>Makes <see cref="EnergyDetector"/>s; nothing to load or share.</summary>
internal sealed class EnergyDetectorFactory : IVoiceActivityDetectorFactory
{
    public string Name => "energy";

    public IVoiceActivityDetector Create() => new EnergyDetector();
}
