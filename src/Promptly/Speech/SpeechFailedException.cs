namespace Promptly.Speech;

/// <summary>A speech provider failed, did not answer in time or is missing; the cause, if any, is the inner exception.</summary>
internal sealed class SpeechFailedException(string message, Exception? inner = null) : Exception(message, inner);
