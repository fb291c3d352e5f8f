namespace Promptly.TurnLoad;

internal sealed record TurnLoadOptions(
    Uri Server,
    int Connections,
    int Sessions,
    TimeSpan Warmup,
    TimeSpan Duration,
    string Concept,
    string? AcksFile);
