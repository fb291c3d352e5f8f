using System.Text.Json.Nodes;
using Promptly.Tests.Support;

namespace Promptly.Tests.Crash;

/// <summary>
/// What a restarted server holds of the sessions a crash interrupted, read over its API and checked against what the
/// load sent and what the server acknowledged before it died.
/// </summary>
internal static class StoredWrites
{
    /// <summary>
    /// Asserts that every acknowledged turn is stored, and that every session is whole: its transcript the greeting
    /// and then, for each question in turn, the candidate's line and the interviewer's, with one latency record per
    /// response; a turn sent but not acknowledged may be there (whole) or not. Returns the sessions still open, with
    /// the question they stand at.
    /// </summary>
    public static async Task<Dictionary<string, int>> AssertSessionsAsync(HttpClient client, WriteLog log)
    {
        var open = new Dictionary<string, int>();
        foreach (var session in log.Sessions)
        {
            var state = await client.GetJsonAsync($"/sessions/{session.Id}");
            var stored = state["question_number"]!.GetValue<int>();
            var transcript = state["transcript"]!.AsArray();
            var context = $"session {session.Id} (stored question {stored}, acknowledged up to {session.Next - 1}, sent up to {session.Sent.Keys.DefaultIfEmpty(0).Max()}): {transcript.ToJsonString()}";

            // Acknowledged turns are all there, and nothing beyond the turn that was in flight.
            Assert.True(stored >= session.Next - 1, $"An acknowledged turn is lost: {context}");
            Assert.True(stored == session.Next - 1 || session.Sent.ContainsKey(stored), $"A turn never sent is stored: {context}");

            AssertWhole(transcript, stored, context);
            for (var q = 1; q <= stored; q++)
            {
                var answer = session.Acknowledged.TryGetValue(q, out var acknowledged) ? acknowledged.Answer : session.Sent[q].Answer;
                if (answer is not null) Assert.True(answer == transcript[2 * q - 1]!["content"]!.GetValue<string>(), $"Question {q}'s answer is not the one sent: {context}");
            }

            var responses = (await client.GetJsonAsync($"/sessions/{session.Id}/latency"))["responses"]!.AsArray();
            AssertOneRecordPerResponse(responses, session, stored, context);
            if (state["status"]!.GetValue<string>() == "active") open[session.Id] = stored;
        }

        return open;
    }

    /// <summary>The greeting, then each question's two lines in order, numbered without gaps: no turn stored in part.</summary>
    private static void AssertWhole(JsonArray transcript, int stored, string context)
    {
        Assert.True(transcript.Count == 1 + 2 * stored, $"The transcript does not hold {stored} whole turns: {context}");
        for (var seq = 0; seq < transcript.Count; seq++)
        {
            var line = transcript[seq]!;
            var question = (seq + 1) / 2;
            var role = seq % 2 == 1 ? "candidate" : "interviewer";
            Assert.True(line["seq"]!.GetValue<int>() == seq, $"Line {seq} has seq {line["seq"]}: {context}");
            Assert.True(line["role"]!.GetValue<string>() == role, $"Line {seq} is not the {role}'s: {context}");
            Assert.True(line["question_number"]!.GetValue<int>() == question, $"Line {seq} is not question {question}'s: {context}");
        }
    }

    /// <summary>
    /// Each stored response has exactly one latency record that is not failed, over the channel its turn was sent on
    /// (a failed record is stored alone for a response that was never stored, so it says nothing here).
    /// </summary>
    private static void AssertOneRecordPerResponse(JsonArray responses, SessionWrites session, int stored, string context)
    {
        var answered = responses.Where(r => !r!["failed"]!.GetValue<bool>()).ToArray();
        var numbers = answered.Select(r => r!["question_number"]!.GetValue<int>()).Order().ToArray();
        Assert.True(numbers.SequenceEqual(Enumerable.Range(0, stored + 1)),
            $"The latency records ({string.Join(", ", numbers)}) are not one per response 0..{stored}: {context}");
        foreach (var record in answered)
        {
            var q = record!["question_number"]!.GetValue<int>();
            var channel = q == 0 ? "text" : session.Sent[q].Channel;
            Assert.True(record["channel"]!.GetValue<string>() == channel, $"Question {q}'s record is not over {channel}: {context}");
        }
    }
}
