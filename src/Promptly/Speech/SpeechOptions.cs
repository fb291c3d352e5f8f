using System.ComponentModel.DataAnnotations;

namespace Promptly.Speech;

/// <summary>Which speech-to-text provider transcribes the candidate. Bound from the <c>Voice:Stt</c> section.</summary>
internal sealed class SttOptions
{
    public const string Section = "Voice:Stt";

    /// <summary>
    /// Base URL of an OpenAI-compatible <c>/audio/transcriptions</c> API (OpenAI, whisper.cpp's server, faster-whisper
    /// servers), e.g. <c>http://127.0.0.1:8080/v1</c>. Empty (default): no transcription, as no model ships with Promptly.
    /// </summary>
    [HttpUrl]
    public string? Endpoint { get; set; }

    /// <summary>Default <c>whisper-1</c>.</summary>
    [Required(AllowEmptyStrings = false)]
    public string Model { get; set; } = "whisper-1";

    public string? ApiKey { get; set; }

    /// <summary>Language of the speech (ISO-639-1, e.g. <c>en</c>); empty lets the provider detect it, which is slower.</summary>
    public string? Language { get; set; }

    /// <summary>Deadline of one transcription, in ms; past it the turn fails rather than the candidate waiting. Default 3000.</summary>
    [Range(1, 600_000)]
    public int TimeoutMs { get; set; } = 3000;

    public bool IsConfigured => !string.IsNullOrWhiteSpace(Endpoint);
}

/// <summary>Which text-to-speech provider speaks the interviewer's replies. Bound from the <c>Voice:Tts</c> section.</summary>
internal sealed class TtsOptions
{
    public const string Section = "Voice:Tts";

    /// <summary>False: no speech at all, replies go out as <c>question</c> events only (a text-only voice client, or a benchmark of the audio path alone). Default true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Base URL of an OpenAI-compatible <c>/audio/speech</c> API, e.g. <c>https://api.openai.com/v1</c>. Empty (default):
    /// espeak-ng speaks offline when it is installed; without it replies are sent as text only.
    /// </summary>
    [HttpUrl]
    public string? Endpoint { get; set; }

    /// <summary>Default <c>tts-1</c>.</summary>
    [Required(AllowEmptyStrings = false)]
    public string Model { get; set; } = "tts-1";

    /// <summary>The provider's voice. Default <c>alloy</c>.</summary>
    [Required(AllowEmptyStrings = false)]
    public string Voice { get; set; } = "alloy";

    public string? ApiKey { get; set; }

    /// <summary>
    /// How long the provider at <see cref="Endpoint"/> may take to send a sentence's first audio, in ms. Past it (or
    /// when it fails before), espeak-ng speaks the sentence if <see cref="FallbackToEspeak"/> and it is installed,
    /// else the reply goes out as text; the response's record says why. Default 700: with the 1400 ms transcription
    /// deadline it leaves the interviewer's first audio inside the 2 s budget even when both providers are slow.
    /// </summary>
    [Range(1, 600_000)]
    public int FirstAudioDeadlineMs { get; set; } = 700;

    /// <summary>Whether espeak-ng (when installed) speaks what the provider at <see cref="Endpoint"/> could not in time. Default true.</summary>
    public bool FallbackToEspeak { get; set; } = true;

    /// <summary>The espeak-ng program: a name looked up on the PATH or a path. Default <c>espeak-ng</c>.</summary>
    [Required(AllowEmptyStrings = false)]
    public string Espeak { get; set; } = "espeak-ng";

    /// <summary>
    /// espeak-ng's voice (<c>espeak-ng --voices</c>). Default <c>en-us</c>. Restricted to a voice name's characters: it
    /// is the one setting passed to the program as an argument.
    /// </summary>
    [RegularExpression("^[A-Za-z0-9][A-Za-z0-9_+./-]*$", ErrorMessage = "EspeakVoice must be a voice name such as en-us or en+f3.")]
    public string EspeakVoice { get; set; } = "en-us";

    /// <summary>espeak-ng's speed in words per minute. Default 175, espeak-ng's own.</summary>
    [Range(80, 500)]
    public int EspeakWordsPerMinute { get; set; } = 175;

    /// <summary>
    /// espeak-ng processes running at once; further sentences wait for a free one, so a burst of interviews cannot
    /// fork without bound. Default twice the processor count.
    /// </summary>
    [Range(1, 10_000)]
    public int MaxProcesses { get; set; } = 2 * Environment.ProcessorCount;

    public bool IsConfigured => !string.IsNullOrWhiteSpace(Endpoint);
}
