using Promptly.Tests.Support;

namespace Promptly.Tests.Web;

/// <summary>Both pages in a real Chromium: they load their files and run without an error or a refused policy.</summary>
public sealed class PagesInBrowserTests
{
    [FactWhenInstalled(Needs.Chromium)]
    public async Task Pages_LoadInChromium_WithoutErrors()
    {
        var folder = PromptlyFactory.NewDataFolder();
        Directory.CreateDirectory(folder);
        await using var server = await ServerProcess.StartAsync(folder, folder, "browser-operator-key", new Dictionary<string, string?>());
        await using var browser = await Browser.LaunchAsync();

        foreach (var path in new[] { "/", "/dashboard" })
        {
            var watched = await browser.OpenAsync(server.Url);
            await watched.Page.GotoAsync(path);
            await watched.Page.WaitForLoadStateAsync(Microsoft.Playwright.LoadState.NetworkIdle);

            Assert.True(watched.Errors.Count == 0, $"{path}:\n{string.Join("\n", watched.Errors)}");
        }
    }
}
