using System.ComponentModel.DataAnnotations;
using System.Net;

namespace Promptly.Http;

/// <summary>
/// The load balancers or reverse proxies whose <c>X-Forwarded-For</c> and <c>X-Forwarded-Proto</c> the server believes.
/// Bound from the <c>ForwardedHeaders</c> section. Default: none, so the headers are ignored and every limit counts the
/// connection's own address. Loopback is not trusted unless listed either (ASP.NET Core would trust it by default):
/// a server may face the internet directly, and any local process (a test client, a tunnel, a sidecar) would
/// otherwise choose the address it is counted as.
/// </summary>
internal sealed class ProxyOptions : IValidatableObject
{
    public const string Section = "ForwardedHeaders";

    /// <summary>Addresses of trusted proxies, e.g. <c>10.0.0.5</c> or <c>::1</c>. Default none.</summary>
    public List<string> KnownProxies { get; set; } = [];

    /// <summary>Networks of trusted proxies in CIDR notation, e.g. <c>10.0.0.0/24</c>. Default none.</summary>
    public List<string> KnownNetworks { get; set; } = [];

    /// <summary>
    /// How many trusted proxies to read back through, from the right of <c>X-Forwarded-For</c>. Default 1: one
    /// balancer, whose entry is the client's address; entries further left are the client's own to write.
    /// </summary>
    [Range(1, 10)]
    public int ForwardLimit { get; set; } = 1;

    /// <summary>Whether any proxy is trusted; without one the forwarded headers are not read at all.</summary>
    public bool TrustsAny => KnownProxies.Count > 0 || KnownNetworks.Count > 0;

    public IEnumerable<IPAddress> Proxies() => KnownProxies.Select(p => IPAddress.Parse(p.Trim()));

    public IEnumerable<IPNetwork> Networks() => KnownNetworks.Select(n => IPNetwork.Parse(n.Trim()));

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var proxy in KnownProxies.Where(p => !IPAddress.TryParse(p.Trim(), out _)))
        {
            yield return new ValidationResult(
                $"{Section}:{nameof(KnownProxies)} holds '{proxy}', which is not an IP address (e.g. 10.0.0.5 or ::1).", [nameof(KnownProxies)]);
        }

        foreach (var network in KnownNetworks.Where(n => !IPNetwork.TryParse(n.Trim(), out _)))
        {
            yield return new ValidationResult(
                $"{Section}:{nameof(KnownNetworks)} holds '{network}', which is not a network in CIDR notation (e.g. 10.0.0.0/24).", [nameof(KnownNetworks)]);
        }
    }
}
