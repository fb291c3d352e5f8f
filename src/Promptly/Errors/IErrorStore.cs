namespace Promptly.Errors;

/// <summary>The stored error log (severe latency violations and other operational errors).</summary>
internal interface IErrorStore
{
    /// <summary>Entries of <paramref name="type"/> (any when null) in [from, to), newest first.</summary>
    Task<IReadOnlyList<ErrorLogEntry>> ErrorsAsync(string? type, DateTimeOffset from, DateTimeOffset to, int limit, CancellationToken cancellationToken);
}
