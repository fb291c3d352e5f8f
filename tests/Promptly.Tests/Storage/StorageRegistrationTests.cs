using Promptly.Tests.Support;

namespace Promptly.Tests.Storage;

/// <summary><c>Storage:Provider</c> and <c>Storage:ConnectionString</c> are checked at start, with messages that say what to set.</summary>
public sealed class StorageRegistrationTests
{
    [Fact]
    public void Start_UnknownProvider_StopsNamingTheChoices()
    {
        using var factory = new PromptlyFactory(new() { ["Storage:Provider"] = "mysql" });

        var message = StartFailure(factory);

        Assert.Contains("Storage:Provider is 'mysql'", message);
        Assert.Contains("'postgres'", message);
    }

    [Fact]
    public void Start_PostgresWithoutConnectionString_StopsSayingWhatToSet()
    {
        using var factory = new PromptlyFactory(new() { ["Storage:Provider"] = "postgres" });

        Assert.Contains("Storage:ConnectionString is required with Storage:Provider=postgres", StartFailure(factory));
    }

    [Fact]
    public void Start_PostgresWithMalformedConnectionString_StopsSayingSo()
    {
        using var factory = new PromptlyFactory(new() { ["Storage:Provider"] = "postgres", ["Storage:ConnectionString"] = "Hots=db;Nonsense" });

        Assert.Contains("Storage:ConnectionString is not a PostgreSQL connection string", StartFailure(factory));
    }

    /// <summary>The messages of the exception that stopped the server's start, inner ones included.</summary>
    private static string StartFailure(PromptlyFactory factory)
    {
        var failure = Assert.ThrowsAny<Exception>(() => factory.CreateClient());
        var messages = new List<string>();
        for (Exception? e = failure; e is not null; e = e.InnerException) messages.Add(e.Message);
        return string.Join(" | ", messages);
    }
}
