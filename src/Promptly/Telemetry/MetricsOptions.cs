using System.ComponentModel.DataAnnotations;

namespace Promptly.Telemetry;

/// <summary>Settings of the Prometheus scrape endpoint (section <c>Metrics</c>).</summary>
internal sealed class MetricsOptions
{
    public const string Section = "Metrics";

    /// <summary>
    /// A port of its own for <c>GET /metrics</c>, answered there without credentials (for a scraper on a private
    /// network) and nowhere else; unset, <c>/metrics</c> is on the API's port and needs an operator key.
    /// </summary>
    [Range(1, 65535)]
    public int? Port { get; set; }
}
