namespace Promptly.Tests.Support;

/// <summary>A test class with one server of its own (fresh data folder) and a client for it, disposed after the class's tests.</summary>
public abstract class ApiTestBase : IAsyncLifetime
{
    protected PromptlyFactory Factory { get; } = new();

    protected HttpClient Client { get; private set; } = null!;

    public virtual Task InitializeAsync()
    {
        Client = Factory.CreateClient();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await Factory.DisposeAsync();
}
