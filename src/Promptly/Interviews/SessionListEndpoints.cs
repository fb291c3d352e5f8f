using System.Buffers.Text;
using System.Globalization;
using System.Text;
using Promptly.Access;
using Promptly.Budget;
using Promptly.Http;

namespace Promptly.Interviews;

/// <summary>The operators' list of sessions over HTTP: filters, transcript search and cursor pages.</summary>
internal static class SessionListEndpoints
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 200;

    /// <summary>The most words <c>q</c> may hold; each is one look-up in the transcript index.</summary>
    public const int MaxWords = 8;

    private const int MaxQueryChars = 200;

    private static readonly string[] Statuses = [SessionStatus.Active, SessionStatus.Completed, SessionStatus.Ended, SessionStatus.Erased];

    /// <summary>Adds <c>GET /sessions</c> beside the group's other routes.</summary>
    public static RouteGroupBuilder MapSessionList(this RouteGroupBuilder sessions)
    {
        sessions.MapGet("/", ListAsync).WithQuery("status", "concept_id", "interview_type", "from", "to", "q", "limit", "cursor")
            .WithName("ListSessions").RequireOperator()
            .WithSummary("Sessions newest first, a page at a time (next_cursor), filtered by status, guide, type, start (from/to) and words of the transcript (q).");
        return sessions;
    }

    private static async Task<Ok<SessionListResponse>> ListAsync(HttpRequest request, ISessionListStore store, CancellationToken cancellationToken)
    {
        var query = Parse(request.Query);
        var rows = await store.ListSessionsAsync(query with { Limit = query.Limit + 1 }, cancellationToken);
        var page = rows.Count > query.Limit ? rows.Take(query.Limit).ToList() : rows;
        var next = rows.Count > query.Limit ? Cursor(new SessionPosition(page[^1].CreatedAt, page[^1].Id)) : null;
        return TypedResults.Ok(new SessionListResponse([.. page.Select(SessionListItem.From)], next));
    }

    private static SessionQuery Parse(IQueryCollection query)
    {
        var status = Text(query, "status")?.ToLowerInvariant();
        if (status is not null && !Statuses.Contains(status))
        {
            throw Problems.BadRequest($"'status' must be one of {string.Join(", ", Statuses)}, not '{query["status"]}'.");
        }

        var type = Text(query, "interview_type")?.ToUpperInvariant();
        if (type is not null && !InterviewTypes.All.Contains(type))
        {
            throw Problems.BadRequest($"'interview_type' must be one of {string.Join(", ", InterviewTypes.All)}, not '{query["interview_type"]}'.");
        }

        var from = Text(query, "from") is { } fromText ? TimeWindow.ParseTime("from", fromText) : (DateTimeOffset?)null;
        var to = Text(query, "to") is { } toText ? TimeWindow.ParseTime("to", toText) : (DateTimeOffset?)null;
        if (from > to) throw Problems.BadRequest($"'from' ({from:O}) is after 'to' ({to:O}).");

        var cursor = Text(query, "cursor") is { } cursorText ? Position(cursorText) : (SessionPosition?)null;
        var limit = TimeWindow.ParseLimit(query, "limit", DefaultLimit, MaxLimit);
        return new SessionQuery(status, Text(query, "concept_id"), type, from, to, Words(query["q"].ToString()), cursor, limit);
    }

    private static string? Text(IQueryCollection query, string name)
    {
        var text = query[name].ToString().Trim();
        return text.Length == 0 ? null : text;
    }

    /// <summary>
    /// <c>q</c> as plain words: split at white space and control characters, and a word with no letter or digit
    /// dropped (it could match nothing). Quotes, parentheses, <c>*</c> or <c>NEAR</c> mean nothing special; the store
    /// quotes every word. No control character reaches a store: SQLite's FTS5 reads U+0000 as the end of the query
    /// text, and PostgreSQL refuses it in text.
    /// </summary>
    internal static IReadOnlyList<string> Words(string q)
    {
        if (q.Length > MaxQueryChars) throw Problems.BadRequest($"'q' is {q.Length} characters long; the limit is {MaxQueryChars}.");
        var words = string.Create(q.Length, q, (plain, text) =>
            {
                for (var i = 0; i < text.Length; i++) plain[i] = char.IsControl(text[i]) ? ' ' : text[i];
            })
            .Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Where(w => w.Any(char.IsLetterOrDigit)).Distinct(StringComparer.OrdinalIgnoreCase).ToArray();
        if (words.Length == 0 && !string.IsNullOrWhiteSpace(q)) throw Problems.BadRequest($"'q' holds no word to search for: '{q}'.");
        return words.Length <= MaxWords ? words : throw Problems.BadRequest($"'q' holds {words.Length} words; the limit is {MaxWords}.");
    }

    /// <summary>The opaque cursor: base64url of the last row's start (Unix milliseconds) and id.</summary>
    internal static string Cursor(SessionPosition position) =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes($"{position.CreatedAt.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture)}:{position.Id}"));

    private static SessionPosition Position(string cursor)
    {
        try
        {
            var text = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor));
            var colon = text.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0 && colon < text.Length - 1
                && long.TryParse(text.AsSpan(0, colon), NumberStyles.None, CultureInfo.InvariantCulture, out var ms)
                && ms <= TimeWindow.LatestTime.ToUnixTimeMilliseconds())
            {
                return new SessionPosition(DateTimeOffset.FromUnixTimeMilliseconds(ms), text[(colon + 1)..]);
            }
        }
        catch (FormatException)
        {
            // Falls through to the same answer as any other malformed cursor.
        }

        throw Problems.BadRequest($"'cursor' is not a cursor this list gave: '{cursor}'.");
    }
}

/// <summary>A page of <c>GET /sessions</c>.</summary>
/// <param name="NextCursor">Pass as <c>cursor</c> for the next page; null on the last one.</param>
internal sealed record SessionListResponse(IReadOnlyList<SessionListItem> Sessions, string? NextCursor);

/// <summary>One session of the list.</summary>
/// <param name="Responses">Interviewer responses recorded (failed ones included).</param>
/// <param name="WithinBudget">Those that succeeded within their threshold.</param>
/// <param name="BudgetComplianceRate">WithinBudget / Responses, rounded to 4 places; null with no responses.</param>
/// <param name="Channels">How the responses went out, in order: <c>text</c>, <c>voice</c>, both, or none yet.</param>
internal sealed record SessionListItem(
    string Id, string ConceptId, string InterviewType, string Status, string? Candidate, DateTimeOffset CreatedAt, DateTimeOffset? EndedAt, int QuestionNumber,
    int Responses, int WithinBudget, double? BudgetComplianceRate, IReadOnlyList<string> Channels)
{
    public static SessionListItem From(SessionSummary s) =>
        new(s.Id, s.ConceptId, s.InterviewType, s.Status, s.Candidate, s.CreatedAt, s.EndedAt, s.QuestionNumber,
            s.Responses, s.WithinBudget, s.Responses == 0 ? null : Math.Round((double)s.WithinBudget / s.Responses, 4), s.Channels);
}
