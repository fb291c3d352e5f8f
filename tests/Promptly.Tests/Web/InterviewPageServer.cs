using Promptly.Tests.Support;

namespace Promptly.Tests.Web;

/// <summary>
/// One real server and one plain Chromium for all of <see cref="InterviewPageTests"/>: each test starts interviews of
/// its own on them, so none sees another's, and the class does not pay a server's and a browser's start per test.
/// </summary>
public sealed class InterviewPageServer : IAsyncLifetime
{
    private Browser? _browser;

    internal LoopbackServer Server { get; private set; } = null!;

    internal HttpClient Operator { get; private set; } = null!;

    internal Uri Url => new(Server.Url);

    public Task InitializeAsync()
    {
        // The tests start several interviews from one address, the browser's.
        Server = LoopbackServer.Start(settings: new()
        {
            ["RateLimits:SessionStartsPerAddress"] = "100",
            ["RateLimits:OpenSessionsPerAddress"] = "100",
        });
        Operator = Server.OperatorClient();
        return Task.CompletedTask;
    }

    /// <summary>Chromium without extra switches, started by the first test that needs it (where it is installed).</summary>
    internal async Task<Browser> BrowserAsync() => _browser ??= await Browser.LaunchAsync();

    public async Task DisposeAsync()
    {
        if (_browser is not null) await _browser.DisposeAsync();
        Operator.Dispose();
        await Server.DisposeAsync();
    }
}
