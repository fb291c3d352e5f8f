using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Playwright;
using Promptly.Tests.Support;

namespace Promptly.Tests.Web;

/// <summary>
/// The dashboard open in Chromium against a real server: signing in, reading the figures it shows (each carries its
/// raw value in <c>data-value</c>), and waiting for them with a generous hang guard rather than a fixed delay.
/// </summary>
internal sealed class DashboardBrowser : IAsyncDisposable
{
    /// <summary>Only a guard against hanging: the page polls every 3 s, so waits end long before it.</summary>
    public static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(30);

    private DashboardBrowser(LoopbackServer server, Browser browser, WatchedPage watched)
    {
        Server = server;
        Chromium = browser;
        Watched = watched;
        Operator = server.OperatorClient();
    }

    public LoopbackServer Server { get; }

    public Browser Chromium { get; }

    public WatchedPage Watched { get; }

    public IPage Page => Watched.Page;

    /// <summary>The operator's own client over HTTP, to read what the API says while the page shows it.</summary>
    public HttpClient Operator { get; }

    public static async Task<DashboardBrowser> StartAsync(Dictionary<string, string?>? settings = null)
    {
        var server = LoopbackServer.Start(speaks: false, settings);
        var browser = await Browser.LaunchAsync();
        var watched = await browser.OpenAsync(new Uri(server.Url));
        return new DashboardBrowser(server, browser, watched);
    }

    public async Task OpenAsync()
    {
        await Page.GotoAsync("/dashboard");
        await Page.WaitForSelectorAsync("#sign-in-form");
    }

    public async Task SignInAsync(string key = PromptlyFactory.OperatorKey)
    {
        await Page.FillAsync("#key", key);
        await Page.ClickAsync("#sign-in-form button[type=submit]");
    }

    /// <summary>Drives <paramref name="sessions"/> practice interviews of <paramref name="turns"/> turns each; returns their ids.</summary>
    public async Task<List<string>> DriveAsync(int sessions, int turns, string extraWord = "")
    {
        var ids = new List<string>();
        for (var s = 0; s < sessions; s++)
        {
            var id = (await Operator.StartAsync(candidate: $"Candidate {s}")).Id();
            for (var t = 0; t < turns; t++)
            {
                var answer = $"I liked the oat milk because it was creamy and cheap, which means I buy it often {(s == 0 ? extraWord : "")}";
                await Operator.TurnAsync(id, answer.Trim());
            }

            ids.Add(id);
        }

        return ids;
    }

    public async Task<JsonObject> GetAsync(string path) => await Operator.GetJsonAsync(path);

    /// <summary>The raw value the page shows for a figure (its data-value), once it has one.</summary>
    public async Task<string> FigureAsync(string name)
    {
        var selector = $"[data-figure='{name}'][data-value]";
        await Page.WaitForSelectorAsync(selector, new() { Timeout = (float)HangGuard.TotalMilliseconds });
        return (await Page.GetAttributeAsync(selector, "data-value"))!;
    }

    /// <summary>Waits until the figure's value satisfies <paramref name="condition"/>; returns it.</summary>
    public async Task<string> FigureWhenAsync(string name, string condition)
    {
        var handle = await Page.WaitForFunctionAsync(
            $"() => {{ const v = document.querySelector(\"[data-figure='{name}']\")?.dataset.value; return v !== undefined && v !== '' && ({condition}) ? v : null; }}",
            null, new() { Timeout = (float)HangGuard.TotalMilliseconds, PollingInterval = 200 });
        return (await handle.JsonValueAsync<string>())!;
    }

    public static double Number(string text) => double.Parse(text, CultureInfo.InvariantCulture);

    /// <summary>axe-core's serious and critical findings on the page as it is now.</summary>
    public Task<List<string>> SeriousViolationsAsync() => WatchedPage.SeriousViolationsAsync(Page);

    public async ValueTask DisposeAsync()
    {
        Operator.Dispose();
        await Chromium.DisposeAsync();
        await Server.DisposeAsync();
    }
}
