using System.ComponentModel.DataAnnotations;

namespace Promptly.Storage.Postgres;

/// <summary>The PostgreSQL store, chosen by <c>Storage:Provider=postgres</c>. Bound from the <c>Storage</c> section.</summary>
internal sealed class PostgresOptions : IValidatableObject
{
    public const string Section = "Storage";

    /// <summary>
    /// An Npgsql connection string, e.g. <c>Host=db;Database=promptly;Username=promptly;Password=…</c>. Required. The
    /// user must be able to create tables in the database (the schema is created and migrated at start).
    /// </summary>
    public string? ConnectionString { get; set; }

    /// <summary>Most writes committed in one transaction (group commit). Default 512.</summary>
    [Range(1, 100_000)]
    public int MaxBatch { get; set; } = 512;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (string.IsNullOrWhiteSpace(ConnectionString))
        {
            yield return new ValidationResult(
                "Storage:ConnectionString is required with Storage:Provider=postgres, e.g. 'Host=localhost;Database=promptly;Username=promptly;Password=…'.",
                [nameof(ConnectionString)]);
            yield break;
        }

        string? problem = null;
        try
        {
            _ = new Npgsql.NpgsqlConnectionStringBuilder(ConnectionString);
        }
        catch (ArgumentException e)
        {
            problem = e.Message;
        }

        if (problem is not null) yield return new ValidationResult($"Storage:ConnectionString is not a PostgreSQL connection string: {problem}", [nameof(ConnectionString)]);
    }
}
