using Promptly.Tests.Support;

namespace Promptly.Tests.Storage;

/// <summary><c>Storage:Provider</c> and <c>Storage:ConnectionString</c> are checked at start, with messages that say what to set.</summary>
public sealed class StorageRegistrationTests
{
    [Fact]
    public void Start_UnknownProvider_StopsNamingTheChoices()
    {
        using var factory = new PromptlyFactory(new() { ["Storage:Provider"] = "mysql" });

        var message = factory.StartFailure();

        Assert.Contains("Storage:Provider is 'mysql'", message);
        Assert.Contains("'postgres'", message);
    }

    [Fact]
    public void Start_PostgresWithoutConnectionString_StopsSayingWhatToSet()
    {
        using var factory = new PromptlyFactory(new() { ["Storage:Provider"] = "postgres" });

        Assert.Contains("Storage:ConnectionString is required with Storage:Provider=postgres", factory.StartFailure());
    }

    [Fact]
    public void Start_PostgresWithMalformedConnectionString_StopsSayingSo()
    {
        using var factory = new PromptlyFactory(new() { ["Storage:Provider"] = "postgres", ["Storage:ConnectionString"] = "Hots=db;Nonsense" });

        Assert.Contains("Storage:ConnectionString is not a PostgreSQL connection string", factory.StartFailure());
    }
}
