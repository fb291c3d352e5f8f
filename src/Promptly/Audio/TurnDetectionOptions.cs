namespace Promptly.Audio;

/// <summary>
/// When a candidate's turn starts and ends, in milliseconds of audio. Plain numbers: the voice transport binds its
/// settings onto this and validates them; these are the defaults it starts from.
/// </summary>
internal sealed record TurnDetectionOptions
{
    /// <summary>Silence after speech that ends the turn. Default 800.</summary>
    public int SilenceMs { get; init; } = 800;

    /// <summary>A turn is never ended by silence sooner than this after its speech started, so a short "yes" with a breath after it is not cut. Default 1000.</summary>
    public int MinTurnMs { get; init; } = 1000;

    /// <summary>A turn ends after this long however it goes on, so one answer cannot hold the interview (or memory). Default 300.</summary>
    public int MaxTurnSeconds { get; init; } = 300;

    /// <summary>Speech probability at which a frame is speech when none was heard. Default 0.5.</summary>
    public float StartThreshold { get; init; } = 0.5f;

    /// <summary>Speech probability under which speech heard so far stops; below the start threshold so speech does not flicker on and off. Default 0.35.</summary>
    public float EndThreshold { get; init; } = 0.35f;

    /// <summary>How long speech must last to count as started, so a click or a knock is not speech. Default 96 (three 32 ms frames).</summary>
    public int MinSpeechMs { get; init; } = 96;

    /// <summary>Audio kept from before the speech started, so speech-to-text hears the first syllable whole. Default 300.</summary>
    public int PrerollMs { get; init; } = 300;

    /// <summary>A pause this long is reported (once per pause), so an answer can be prepared before the turn ends. Default 300.</summary>
    public int PauseMs { get; init; } = 300;

    /// <summary><paramref name="ms"/> as a count of samples at <see cref="SampleRates.Pipeline"/>.</summary>
    internal static long Samples(long ms) => ms * SampleRates.Pipeline / 1000;
}
