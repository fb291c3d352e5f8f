using System.ComponentModel.DataAnnotations;

namespace Promptly.Interviews;

/// <summary>How long what identifies a candidate is kept. Bound from the <c>Privacy</c> section.</summary>
internal sealed class PrivacyOptions
{
    public const string Section = "Privacy";

    /// <summary>
    /// Days a session's transcript, candidate name and token are kept after it ended (or was last active); then the
    /// session is erased as by <c>DELETE /sessions/{id}</c>, its latency figures staying, anonymous. 0 keeps them.
    /// Default 365.
    /// </summary>
    [Range(0, 36_500)]
    public int TranscriptRetentionDays { get; set; } = 365;

    /// <summary>Days a spoken turn's kept audio stays (it is bulkier and more personal than its transcript). 0 keeps it. Default 30.</summary>
    [Range(0, 36_500)]
    public int AudioRetentionDays { get; set; } = 30;
}
