namespace Promptly.Health;

/// <summary>What <c>GET /health</c> asks of storage.</summary>
public interface IHealthProbe
{
    /// <summary>Checks that the database answers a query; throws when it does not.</summary>
    Task PingAsync(CancellationToken cancellationToken);
}
