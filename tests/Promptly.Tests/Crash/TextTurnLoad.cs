using Promptly.Tests.Support;

namespace Promptly.Tests.Crash;

/// <summary>
/// One client of typed interviews over HTTP: a turn at a time (the next sent when the last is answered), a new
/// interview whenever one completes, until the server is killed or <c>maxTurns</c> were sent.
/// </summary>
internal static class TextTurnLoad
{
    private static readonly string[] Answers =
    [
        "I like the taste because it is creamy and not too sweet.",
        "The texture is smooth, which matters because I froth it for my coffee.",
        "The price is fair because one carton lasts me a whole week.",
        "The carton pours cleanly, which means less mess on busy mornings.",
        "It is better for the planet because oats need far less water than cows.",
        "I feel healthier drinking it because it has no added sugar.",
    ];

    public static async Task RunAsync(HttpClient client, WriteLog log, int clientNumber, int maxTurns)
    {
        try
        {
            SessionWrites? session = null;
            for (var turn = 0; turn < maxTurns && !log.ServerKilled; turn++)
            {
                session ??= await StartSessionAsync(client, log, $"text client {clientNumber}");
                // Each answer is unique, so the stored candidate line shows it is this turn's and whole.
                var answer = $"{Answers[turn % Answers.Length]} (text client {clientNumber}, turn {turn})";
                log.Sending(session, new SentTurn(answer, "text"));
                var reply = await client.TurnAsync(session.Id, answer);
                log.Acknowledged(session, reply["question_number"]!.GetValue<int>(), answer);
                if (reply["done"]!.GetValue<bool>()) session = null;
            }
        }
        catch (Exception) when (log.ServerKilled)
        {
            // The kill cut this request off: it was never acknowledged, so it may or may not be stored.
        }
    }

    /// <summary>Starts an interview (<c>POST /sessions</c>); its greeting, question 0, is a write acknowledged by the 200.</summary>
    public static async Task<SessionWrites> StartSessionAsync(HttpClient client, WriteLog log, string candidate)
    {
        log.Sending();
        var started = await client.StartAsync(candidate: candidate);
        return log.Started(started.Id());
    }
}
