using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Promptly.Tests.Web;

/// <summary>
/// The candidate's page as a test drives it: by its labels and roles, as a person would, and by the state the page
/// keeps on itself (<c>data-phase</c>, <c>data-session</c>, the voice counters) where a person would listen instead.
/// </summary>
internal sealed class InterviewPage(IPage page)
{
    /// <summary>How long any one thing may take before the test calls it a hang: a guard, never what is measured.</summary>
    public static readonly float Patience = 30_000;

    public IPage Page { get; } = page;

    public ILocator Interviewer => Page.Locator("#transcript .message--interviewer");

    public ILocator Candidate => Page.Locator("#transcript .message--candidate");

    public ILocator Problem => Page.Locator("#problem");

    public ILocator Answer => Page.GetByLabel("Your answer", new() { Exact = true });

    public Task ClickAsync(string button) => Page.GetByRole(AriaRole.Button, new() { Name = button, Exact = true }).ClickAsync();

    public async Task ExpectPhaseAsync(string phase) =>
        await Expect(Page.Locator("#app")).ToHaveAttributeAsync("data-phase", phase, new() { Timeout = Patience });

    /// <summary>Picks <paramref name="guide"/> on the start screen and starts it; returns once the greeting shows.</summary>
    public async Task StartPracticeAsync(string guide, string name)
    {
        await Page.GetByLabel(guide).CheckAsync();
        await Page.GetByLabel("Your name").FillAsync(name);
        await ClickAsync("Start the interview");
        await ExpectPhaseAsync("interview");
        await Expect(Interviewer).ToHaveCountAsync(1, new() { Timeout = Patience });
    }

    /// <summary>The session on show (the page keeps its id, never its token, on the interview).</summary>
    public async Task<string> SessionIdAsync() => (await Page.Locator("#interview").GetAttributeAsync("data-session"))!;

    /// <summary>Types <paramref name="answer"/> and sends it with Enter; returns once the reply is complete (its latency shown).</summary>
    public async Task<string> AnswerAsync(string answer)
    {
        var before = await Interviewer.CountAsync();
        await Answer.FillAsync(answer);
        await Answer.PressAsync("Enter");
        var reply = Interviewer.Nth(before);
        await Expect(reply.Locator(".latency")).ToBeVisibleAsync(new() { Timeout = Patience });
        return await reply.Locator(".words").InnerTextAsync();
    }

    public Task<bool> CompletedAsync() => Page.Locator("#app[data-phase=completed]").IsVisibleAsync();

    /// <summary>Waits until the page's counter <paramref name="name"/> (<c>data-voice-…</c>) reaches <paramref name="atLeast"/>.</summary>
    public Task WaitForVoiceCountAsync(string name, int atLeast, float timeout) =>
        Page.WaitForFunctionAsync(
            "([name, atLeast]) => Number(document.getElementById('interview').dataset[name] ?? 0) >= atLeast",
            new object[] { name, atLeast }, new() { Timeout = timeout });
}
