namespace Promptly.Diagnostics;

/// <summary>What the server tells about its own process. Bound from the <c>Diagnostics</c> section.</summary>
internal sealed class DiagnosticsOptions
{
    public const string Section = "Diagnostics";

    /// <summary>
    /// Serves <c>GET /api/diagnostics/memory</c>. Default false: every call forces a full, blocking garbage
    /// collection, which pauses all requests, so it is for a memory check on a server of one's own, not for production.
    /// </summary>
    public bool MemoryEndpoint { get; set; }
}
