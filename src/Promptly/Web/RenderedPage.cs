namespace Promptly.Web;

/// <summary>A page ready to send: its HTML (plain, gzip and Brotli) and the Content-Security-Policy that goes with it.</summary>
internal sealed record RenderedPage(byte[] Html, byte[] Gzip, byte[] Brotli, string ContentSecurityPolicy);
