using Deque.AxeCore.Playwright;
using Microsoft.Playwright;

namespace Promptly.Tests.Support;

/// <summary>
/// Debian's Chromium, headless, driven by Playwright (<c>Microsoft.Playwright</c>, whose driver ships in the package;
/// the browser is the system's, since none can be downloaded here).
/// </summary>
internal sealed class Browser : IAsyncDisposable
{
    // Without the background-networking switches Chromium keeps calling Google's hosts, which this machine refuses.
    private static readonly string[] Quiet =
    [
        "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
    ];

    private readonly IPlaywright _playwright;

    private Browser(IPlaywright playwright, IBrowser browser)
    {
        _playwright = playwright;
        Instance = browser;
    }

    public IBrowser Instance { get; }

    /// <summary>Starts Chromium with <paramref name="switches"/> on top of the quiet ones (a fake microphone, say).</summary>
    public static async Task<Browser> LaunchAsync(params string[] switches)
    {
        var playwright = await Playwright.CreateAsync();
        try
        {
            var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = Needs.OnPath(Needs.Chromium) ?? throw new InvalidOperationException("chromium is not installed (apt-get install chromium)."),
                Headless = true,
                Args = [.. Quiet, .. switches],
            });
            return new Browser(playwright, browser);
        }
        catch
        {
            playwright.Dispose();
            throw;
        }
    }

    /// <summary>
    /// A new page at a phone-or-desktop size whose console errors and failed requests are collected, so a test can
    /// assert that the page broke nothing (a script error, a refused Content-Security-Policy, a 404 for a file).
    /// </summary>
    public async Task<WatchedPage> OpenAsync(Uri server, int width = 1280, int height = 900)
    {
        var context = await Instance.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = server.ToString(),
            ViewportSize = new ViewportSize { Width = width, Height = height },
        });
        var page = await context.NewPageAsync();
        return new WatchedPage(page);
    }

    public async ValueTask DisposeAsync()
    {
        await Instance.DisposeAsync();
        _playwright.Dispose();
    }
}

/// <summary>A page with the errors it reported: console errors, uncaught exceptions and responses of 400 or more.</summary>
internal sealed class WatchedPage
{
    private readonly List<string> _errors = [];

    public WatchedPage(IPage page)
    {
        Page = page;
        page.Console += (_, message) =>
        {
            if (message.Type == "error") Add($"console: {message.Text}");
        };
        page.PageError += (_, error) => Add($"uncaught: {error}");
        page.Response += (_, response) =>
        {
            if (response.Status >= 400) Add($"{response.Status} {response.Request.Method} {response.Url}");
        };
    }

    public IPage Page { get; }

    /// <summary>What went wrong so far; a test clears it with <see cref="Expect"/> where it provokes an error on purpose.</summary>
    public IReadOnlyList<string> Errors
    {
        get
        {
            lock (_errors) return [.. _errors];
        }
    }

    /// <summary>Forgets errors that <paramref name="expected"/> matches (a 401 the test provoked, say).</summary>
    public void Expect(Func<string, bool> expected)
    {
        lock (_errors) _errors.RemoveAll(e => expected(e));
    }

    /// <summary>axe-core's serious and critical findings on the page as it is now, one line each (rule, help, where).</summary>
    public static async Task<List<string>> SeriousViolationsAsync(IPage page)
    {
        var results = await page.RunAxe();
        return [.. results.Violations.Where(v => v.Impact is "serious" or "critical")
            .Select(v => $"{v.Id} ({v.Impact}): {v.Help} at {string.Join(", ", v.Nodes.Select(n => n.Html))}")];
    }

    /// <summary>Saves a full-page screenshot as a test artifact (<see cref="BrowserArtifacts"/>).</summary>
    public Task ScreenshotAsync(string name) =>
        Page.ScreenshotAsync(new PageScreenshotOptions { Path = BrowserArtifacts.PathOf($"{name}.png"), FullPage = true });

    private void Add(string error)
    {
        lock (_errors) _errors.Add(error);
    }
}

/// <summary>
/// Where browser tests leave their screenshots: <c>artifacts/browser/</c> at the repository's root (CI keeps the
/// folder), or <c>PROMPTLY_ARTIFACTS</c>.
/// </summary>
internal static class BrowserArtifacts
{
    public static string PathOf(string file)
    {
        var folder = Environment.GetEnvironmentVariable("PROMPTLY_ARTIFACTS") is { Length: > 0 } set ? set : Path.Combine(RepositoryRoot(), "artifacts", "browser");
        Directory.CreateDirectory(folder);
        return Path.Combine(folder, file);
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (Directory.Exists(Path.Combine(dir.FullName, ".ci"))) return dir.FullName;
        }

        return AppContext.BaseDirectory;
    }
}
