using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Promptly.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace Promptly.Tests.Web;

/// <summary>
/// The candidate's page in Debian's Chromium against the real server on a loopback port: whole interviews typed and
/// spoken (a fake microphone playing an espeak-ng answer), an invitation link, accessibility, a phone's screen and the
/// honest failures. Every test also holds the page to no console error, refused policy or failed request.
/// </summary>
public sealed class InterviewPageTests : IClassFixture<InterviewPageServer>, IAsyncLifetime
{
    private const string Practice = "Software engineer practice interview";

    private static readonly string[] Answers =
    [
        "I have built backend systems for six years because I love making things reliable.",
        "I am proud of our payment rewrite because it halved failures, which means fewer angry customers.",
        "The hardest bug was a race in a cache; I found it with tracing because the logs said nothing.",
        "I chose a queue over direct calls because each service can then fail on its own.",
        "I test tricky logic first because it keeps the design simple and refactoring safe.",
        "In reviews I ask questions rather than demand changes because people learn more that way.",
        "Under a deadline I cut scope early because a solid small release beats a broken big one.",
        "When my team disagreed I set up a design review because data settles arguments faster.",
        "I learned Rust by porting a small tool because real work teaches me more than reading.",
        "I want this role because the team ships often, which means I see my impact quickly.",
    ];

    private readonly InterviewPageServer _shared;

    public InterviewPageTests(InterviewPageServer shared) => _shared = shared;

    private Uri Url => _shared.Url;

    private HttpClient Operator => _shared.Operator;

    // The pages a test opened on the shared browser, closed after it.
    private readonly List<WatchedPage> _opened = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var watched in _opened) await watched.Page.Context.CloseAsync();
    }

    private async Task<WatchedPage> OpenAsync(Uri server, int width = 1280, int height = 900)
    {
        var watched = await (await _shared.BrowserAsync()).OpenAsync(server, width, height);
        _opened.Add(watched);
        return watched;
    }

    [FactWhenInstalled(Needs.Chromium)]
    public async Task TypedPracticeInterview_RepliesStreamIn_UntilTheInterviewerCloses()
    {
        var watched = await OpenAsync(Url);
        var page = new InterviewPage(watched.Page);

        await page.Page.GotoAsync("/");
        await page.ExpectPhaseAsync("start");
        await watched.ScreenshotAsync("candidate-start");
        await page.StartPracticeAsync(Practice, "Ada");
        await Expect(page.Interviewer.First).ToContainTextAsync("Welcome to your practice interview");
        await Expect(page.Interviewer.First.Locator(".latency")).ToContainTextAsync("answered in");
        var session = await page.SessionIdAsync();

        var sent = new List<string>();
        while (!await page.CompletedAsync())
        {
            Assert.True(sent.Count < 20, "the interviewer closes a 10-question interview within 20 answers");
            var answer = Answers[sent.Count % Answers.Length];
            var reply = await page.AnswerAsync(answer);
            sent.Add(answer);
            Assert.False(string.IsNullOrWhiteSpace(reply));
            if (sent.Count == 3) await watched.ScreenshotAsync("candidate-text-interview");
        }

        await Expect(page.Page.GetByRole(AriaRole.Heading, new() { Name = "The interview is over" })).ToBeFocusedAsync();
        await Expect(page.Page.Locator("#completed-text")).ToContainTextAsync("The interviewer closed the interview");
        await Expect(page.Answer).ToBeDisabledAsync();
        await watched.ScreenshotAsync("candidate-text-completed");

        var state = await SessionAsync(session);
        Assert.Equal("completed", state.GetProperty("status").GetString());
        var lines = state.GetProperty("transcript").EnumerateArray().ToList();
        Assert.Equal(sent, lines.Where(l => l.GetProperty("role").GetString() == "candidate").Select(l => l.GetProperty("content").GetString()));
        // What streamed into the page is, word for word, what the server stored.
        var stored = lines.Where(l => l.GetProperty("role").GetString() == "interviewer").Select(l => l.GetProperty("content").GetString()!).ToList();
        Assert.Equal(stored, await page.Interviewer.Locator(".words").AllInnerTextsAsync());
        Assert.Equal(sent, await page.Candidate.Locator(".words").AllInnerTextsAsync());
        Assert.Empty(watched.Errors);
    }

    [FactWhenInstalled(Needs.Chromium)]
    public async Task InvitationLink_StartsOnce_ResumesAfterReload_AndEnds()
    {
        var invite = await Operator.PostAsJsonAsync("/invitations", new { concept_id = "customer_support_screening", candidate = "Grace" });
        invite.EnsureSuccessStatusCode();
        var token = (await invite.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!;
        var watched = await OpenAsync(Url);
        var page = new InterviewPage(watched.Page);

        await page.Page.GotoAsync($"/i/{token}");
        await page.ExpectPhaseAsync("invitation");
        await page.ClickAsync("Start the interview");
        await page.ExpectPhaseAsync("interview");
        await Expect(page.Interviewer.First).ToContainTextAsync("thank you for accepting our invitation");
        var session = await page.SessionIdAsync();
        await page.AnswerAsync("I can work weekdays and two evenings because my family helps with the children.");

        // A reload resumes the same interview from the server's transcript (the tab kept the session's token).
        await page.Page.ReloadAsync();
        await page.ExpectPhaseAsync("interview");
        Assert.Equal(session, await page.SessionIdAsync());
        await Expect(page.Candidate).ToHaveCountAsync(1);
        await page.AnswerAsync("I worked at a call centre for three years because I like helping people solve problems.");

        await page.ClickAsync("End the interview");
        await page.ExpectPhaseAsync("completed");
        await Expect(page.Page.Locator("#completed-text")).ToHaveTextAsync("You ended the interview.");
        var state = await SessionAsync(session);
        Assert.Equal("ended", state.GetProperty("status").GetString());
        Assert.Equal("INVITED", state.GetProperty("interview_type").GetString());
        Assert.Equal(2, state.GetProperty("transcript").EnumerateArray().Count(l => l.GetProperty("role").GetString() == "candidate"));

        // The link again: the invitation is used, and the page says so in the server's words.
        await page.Page.GotoAsync($"/i/{token}");
        await page.ClickAsync("Start the interview");
        await Expect(page.Problem).ToContainTextAsync("has already started a session", new() { Timeout = InterviewPage.Patience });
        watched.Expect(e => e.StartsWith("409 POST", StringComparison.Ordinal) || e.Contains("409 (Conflict)", StringComparison.Ordinal));
        Assert.Empty(watched.Errors);
    }

    [FactWhenInstalled(Needs.Chromium, Needs.EspeakNg, Needs.Sox)]
    public async Task SpokenInterview_FakeMicrophone_TurnsDetectedAndAnsweredWithSpeech()
    {
        var answer = await AnswerWithPauseAsync("I like it because it is fast and simple.");
        await using var browser = await Browser.LaunchAsync(
            "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream", $"--use-file-for-fake-audio-capture={answer}");
        var watched = await browser.OpenAsync(Url);
        var page = new InterviewPage(watched.Page);
        await page.Page.GotoAsync("/");
        await page.StartPracticeAsync(Practice, "Linus");
        var session = await page.SessionIdAsync();

        // The voice socket goes through Playwright, to the server, so that the test can cut it.
        var sockets = new List<IWebSocketRoute>();
        await page.Page.RouteWebSocketAsync(new Regex("/voice"), socket =>
        {
            socket.ConnectToServer();
            lock (sockets) sockets.Add(socket);
        });

        await page.ClickAsync("Answer by voice");
        await Expect(page.Page.GetByRole(AriaRole.Button, new() { Name = "End turn" })).ToBeVisibleAsync();
        // Chromium loops the file: the candidate answers again and again, each answer ended by its pause.
        await page.WaitForVoiceCountAsync("voiceTurns", 3, 60_000);
        await page.WaitForVoiceCountAsync("voiceReplies", 4, InterviewPage.Patience); // the greeting and three replies
        // The next loop of the answer starts while the interviewer still speaks: a barge-in, which stops its audio.
        await page.WaitForVoiceCountAsync("voiceInterruptions", 1, InterviewPage.Patience);
        await Expect(page.Candidate.Filter(new() { HasText = "speech not transcribed" })).Not.ToHaveCountAsync(0);
        await watched.ScreenshotAsync("candidate-voice-interview");

        var state = await SessionAsync(session);
        var spoken = state.GetProperty("transcript").EnumerateArray()
            .Count(l => l.GetProperty("role").GetString() == "candidate" && l.GetProperty("content").GetString()!.StartsWith("(speech not transcribed", StringComparison.Ordinal));
        Assert.True(spoken >= 3, $"{spoken} spoken turns stored");
        var latency = await (await Operator.GetAsync($"/sessions/{session}/latency?channel=voice")).Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(latency.GetProperty("total_responses").GetInt32() >= 3);

        // The connection drops (as in a network change): the page says so, and once it could check the session,
        // reconnects; the new socket takes the session over and the server re-asks the standing question.
        var checking = new TaskCompletionSource();
        await page.Page.RouteAsync($"**/sessions/{session}", async route =>
        {
            await checking.Task;
            await route.ContinueAsync();
        });
        await sockets[0].CloseAsync(new() { Code = 4000, Reason = "network change" });
        await Expect(page.Page.Locator("#status")).ToContainTextAsync("The connection was lost", new() { Timeout = InterviewPage.Patience });
        await Expect(page.Page.Locator("#interview")).ToHaveAttributeAsync("data-voice-state", "reconnecting");
        checking.SetResult();
        await Expect(page.Page.Locator("#status")).ToHaveTextAsync("Reconnected. The interviewer repeats the question.", new() { Timeout = InterviewPage.Patience });
        Assert.Equal(2, sockets.Count);

        await page.ClickAsync("End the interview");
        await page.ExpectPhaseAsync("completed");
        await Expect(page.Page.Locator("#completed-text")).ToHaveTextAsync("You ended the interview.");
        // Playwright's routed socket says it is open for a moment after the test closed it, so microphone frames sent
        // in that moment are refused by Chromium with this message; a real socket is CLOSING at once, and the page
        // sends only on an open one.
        watched.Expect(e => e.Contains("WebSocket is already in CLOSING or CLOSED state", StringComparison.Ordinal));
        Assert.Empty(watched.Errors);
    }

    [FactWhenInstalled(Needs.Chromium)]
    public async Task Accessibility_NoSeriousViolations_OnTheStartScreenAndDuringAnInterview()
    {
        var watched = await OpenAsync(Url);
        var page = new InterviewPage(watched.Page);
        await page.Page.GotoAsync("/");
        await page.ExpectPhaseAsync("start");
        await AssertAccessibleAsync(page.Page, "start screen");

        // Keyboard only: the guide is chosen and the interview started without a pointer.
        await page.Page.Keyboard.PressAsync("Tab");
        await Expect(page.Page.GetByLabel(Practice)).ToBeFocusedAsync();
        await page.Page.GetByLabel("Your name").FocusAsync();
        await page.Page.Keyboard.PressAsync("Enter");
        await page.ExpectPhaseAsync("interview");
        await Expect(page.Answer).ToBeFocusedAsync();
        await page.AnswerAsync(Answers[0]);
        await AssertAccessibleAsync(page.Page, "interview");
        Assert.Empty(watched.Errors);
    }

    [FactWhenInstalled(Needs.Chromium)]
    public async Task PhoneSizedScreen_FitsWithoutSidewaysScrolling()
    {
        var watched = await OpenAsync(Url, 390, 844);
        var page = new InterviewPage(watched.Page);
        await page.Page.GotoAsync("/");
        await page.ExpectPhaseAsync("start");
        await watched.ScreenshotAsync("candidate-phone-start");
        await page.StartPracticeAsync(Practice, "Ada");
        await page.AnswerAsync(Answers[0]);
        await page.AnswerAsync(Answers[1]);

        Assert.True(await page.Page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"), "no sideways scrolling");
        foreach (var button in new[] { "Send", "Answer by voice", "End the interview" })
        {
            var box = await page.Page.GetByRole(AriaRole.Button, new() { Name = button, Exact = true }).BoundingBoxAsync();
            Assert.True(box is { Height: >= 44 } && box.X >= 0 && box.X + box.Width <= 390, $"{button}: {box?.X},{box?.Width}x{box?.Height}");
        }

        await AssertAccessibleAsync(page.Page, "phone");
        await watched.ScreenshotAsync("candidate-phone-interview");
        Assert.Empty(watched.Errors);
    }

    [FactWhenInstalled(Needs.Chromium)]
    public async Task MicrophoneRefused_SaysSo_AndTypingGoesOn()
    {
        // A microphone exists, but no permission is granted and no prompt can be answered: the browser refuses it.
        await using var browser = await Browser.LaunchAsync("--use-fake-device-for-media-stream");
        var watched = await browser.OpenAsync(Url);
        var page = new InterviewPage(watched.Page);
        await page.Page.GotoAsync("/");
        await page.StartPracticeAsync(Practice, "Ada");

        await page.ClickAsync("Answer by voice");

        await Expect(page.Problem).ToContainTextAsync("Microphone access was refused", new() { Timeout = InterviewPage.Patience });
        await Expect(page.Problem).ToContainTextAsync("keep answering by typing");
        await Expect(page.Page.GetByRole(AriaRole.Button, new() { Name = "End turn" })).ToBeHiddenAsync();
        await Expect(page.Answer).ToBeFocusedAsync();
        var reply = await page.AnswerAsync(Answers[0]);
        Assert.False(string.IsNullOrWhiteSpace(reply));
        Assert.Empty(watched.Errors);
    }

    [FactWhenInstalled(Needs.Chromium)]
    public async Task TooManyStarts_ShowsTheServersDetailAndWhenToRetry()
    {
        await using var limited = LoopbackServer.Start(speaks: false, settings: new() { ["RateLimits:SessionStartsPerAddress"] = "1" });
        using (var anonymous = new HttpClient { BaseAddress = new Uri(limited.Url) })
        {
            (await anonymous.PostAsJsonAsync("/sessions", new { concept_id = "oat_milk_v1" })).EnsureSuccessStatusCode();
        }

        var watched = await OpenAsync(new Uri(limited.Url));
        var page = new InterviewPage(watched.Page);
        await page.Page.GotoAsync("/");
        await page.ExpectPhaseAsync("start");
        await page.ClickAsync("Start the interview");

        await Expect(page.Problem).ToContainTextAsync(new Regex(@"Try again in \d+ s\."), new() { Timeout = InterviewPage.Patience });
        await page.ExpectPhaseAsync("start");
        watched.Expect(e => e.StartsWith("429 POST", StringComparison.Ordinal) || e.Contains("429 (Too Many Requests)", StringComparison.Ordinal));
        Assert.Empty(watched.Errors);
    }

    private async Task<JsonElement> SessionAsync(string id)
    {
        using var response = await Operator.GetAsync($"/sessions/{id}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private static async Task AssertAccessibleAsync(IPage page, string where)
    {
        var serious = await WatchedPage.SeriousViolationsAsync(page);
        Assert.True(serious.Count == 0, $"{where}:\n{string.Join("\n", serious)}");
    }

    /// <summary>An espeak-ng answer followed by 2 s of silence (sox), so the server's 800 ms end of turn fires each time Chromium loops it.</summary>
    private static async Task<string> AnswerWithPauseAsync(string text)
    {
        var speech = await LoopbackServer.SpeakAsync(text);
        var padded = Path.ChangeExtension(speech, ".padded.wav");
        using var sox = System.Diagnostics.Process.Start("sox", [speech, padded, "pad", "0", "2"]);
        await sox.WaitForExitAsync();
        Assert.Equal(0, sox.ExitCode);
        return padded;
    }
}
