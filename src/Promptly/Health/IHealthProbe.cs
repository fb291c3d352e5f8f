namespace Promptly.Health;

/// <summary>What <c>GET /health</c> asks of storage.</summary>
internal interface IHealthProbe
{
    /// <summary>Checks that the database answers a query; throws when it does not.</summary>
    Task PingAsync(CancellationToken cancellationToken);
}
