using System.Globalization;
using System.Text.Json;
using Promptly.Budget;
using Promptly.Http;
using Promptly.Latency;

namespace Promptly.Analytics;

/// <summary>
/// Reads and validates a batch of <c>POST /api/latency/events</c>: a JSON array of events, or <c>{"events": [...]}</c>.
/// Each event is <c>{"source","run_id","timestamp","total_ms","phases":{name: ms},"tags":{...}}</c>. Validation
/// collects every problem of every item, so one answer says all that must change.
/// </summary>
internal sealed class EventBatch(AnalyticsOptions options, BudgetPolicy policy, DateTimeOffset now)
{
    public const int MaxPhases = 64;
    public const int MaxTags = 32;
    public const int MaxTextLength = 256;
    private static readonly HashSet<string> Fields = ["source", "run_id", "timestamp", "total_ms", "phases", "tags"];

    private readonly List<EventError> _errors = [];

    public IReadOnlyList<EventError> Errors => _errors;

    /// <summary>The valid events of <paramref name="root"/>; check <see cref="Errors"/> before storing any.</summary>
    public List<IngestedEvent> Read(JsonElement root)
    {
        // Checked first: every name and string below is read as text, which throws for such a string.
        if (JsonText.FindUnreadable(root) is { } where) throw new EventBatchException($"The body cannot be read: the text at {where} {JsonText.Problem}.");
        var items = root.ValueKind switch
        {
            JsonValueKind.Array => root,
            JsonValueKind.Object when root.TryGetProperty("events", out var events) && events.ValueKind == JsonValueKind.Array => events,
            _ => throw new EventBatchException("The body must be a JSON array of events, or an object with an 'events' array."),
        };

        var count = items.GetArrayLength();
        if (count == 0) throw new EventBatchException("The batch holds no events.");
        if (count > options.MaxEventsPerBatch) throw new EventBatchException($"The batch holds {count} events; at most {options.MaxEventsPerBatch} are taken at once.");

        var accepted = new List<IngestedEvent>(count);
        var index = 0;
        foreach (var item in items.EnumerateArray())
        {
            if (ReadEvent(index++, item) is { } e) accepted.Add(e);
        }

        return accepted;
    }

    private IngestedEvent? ReadEvent(int index, JsonElement item)
    {
        var before = _errors.Count;
        if (item.ValueKind != JsonValueKind.Object)
        {
            Fail(index, null, $"must be a JSON object, not {Kind(item)}");
            return null;
        }

        foreach (var property in item.EnumerateObject())
        {
            if (!Fields.Contains(property.Name)) Fail(index, property.Name, "is not a field of an event (source, run_id, timestamp, total_ms, phases, tags)");
        }

        var source = Text(index, item, "source", required: true);
        if (source is not null && !AnalyticsRequest.NamePattern().IsMatch(source)) Fail(index, "source", "must be 1 to 64 letters, digits, '.', '_' or '-'");
        // The interviewer's own responses are those sources: events under their names would be counted with them by
        // the digests but not by exact reads of the responses.
        else if (source is not null && RunSample.IsResponseSource(source))
        {
            Fail(index, "source", $"must not be '{source}': {string.Join(" and ", RunSample.ResponseSources.Select(s => $"'{s}'"))} are reserved for the interviewer's own responses");
        }

        var runId = Text(index, item, "run_id", required: false);
        var timestamp = Timestamp(index, item);
        var phases = Phases(index, item);
        var (tagsJson, interviewType) = Tags(index, item);

        double? total = null;
        if (item.TryGetProperty("total_ms", out var totalElement)) total = Duration(index, "total_ms", totalElement);
        else if (phases is { Count: > 0 }) total = phases.Sum(p => p.Ms);
        else Fail(index, "total_ms", "is required when there are no phases");

        if (total > LatencyDigest.MaxMs)
        {
            Fail(index, "total_ms", $"is the sum of the phases, {total:0} ms, over the {LatencyDigest.MaxMs:0} ms (7 days) a run may take");
        }

        if (_errors.Count > before || source is null || total is null || phases is null) return null;
        var type = interviewType?.ToUpperInvariant() ?? "";
        var threshold = type.Length == 0 ? policy.Options.ThresholdMs : policy.For(type).ThresholdMs;
        var run = new RunSample(source, type, timestamp, total.Value, phases, total.Value <= threshold, Failed: false);
        return new IngestedEvent(run, runId, tagsJson, threshold);
    }

    private string? Text(int index, JsonElement item, string name, bool required)
    {
        if (!item.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            if (required) Fail(index, name, "is required");
            return null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            Fail(index, name, $"must be a string, not {Kind(value)}");
            return null;
        }

        var text = value.GetString()!;
        if (text.Length > MaxTextLength) Fail(index, name, $"is longer than {MaxTextLength} characters");
        // PostgreSQL cannot store U+0000 in text; refused on either store, so both accept the same events.
        if (text.Contains('\0', StringComparison.Ordinal)) Fail(index, name, "must not contain the character U+0000");
        return text;
    }

    private DateTimeOffset Timestamp(int index, JsonElement item)
    {
        if (!item.TryGetProperty("timestamp", out var value) || value.ValueKind == JsonValueKind.Null) return now;
        if (value.ValueKind != JsonValueKind.String
            || !DateTimeOffset.TryParse(value.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time))
        {
            Fail(index, "timestamp", "must be an ISO 8601 time such as 2026-11-24T09:00:00Z");
            return now;
        }

        if (time > now.AddSeconds(options.MaxFutureSkewSeconds))
        {
            Fail(index, "timestamp", $"is in the future ({time:O}; the server's clock says {now:O})");
        }
        else if (time < now.AddDays(-options.DigestRetentionDays))
        {
            Fail(index, "timestamp", $"is older than the {options.DigestRetentionDays} days that latency digests are kept");
        }

        return time;
    }

    private List<PhaseTiming>? Phases(int index, JsonElement item)
    {
        if (!item.TryGetProperty("phases", out var value) || value.ValueKind == JsonValueKind.Null) return [];
        if (value.ValueKind != JsonValueKind.Object)
        {
            Fail(index, "phases", $"must be an object of phase names to durations in ms, not {Kind(value)}");
            return null;
        }

        var phases = new List<PhaseTiming>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var phase in value.EnumerateObject())
        {
            if (phase.Name.Length is 0 or > 64)
            {
                Fail(index, "phases", "names must be 1 to 64 characters long");
                continue;
            }

            if (!names.Add(phase.Name))
            {
                Fail(index, $"phases.{phase.Name}", "appears twice");
                continue;
            }

            if (Duration(index, $"phases.{phase.Name}", phase.Value) is { } ms) phases.Add(new PhaseTiming(phase.Name, ms));
        }

        if (phases.Count > MaxPhases) Fail(index, "phases", $"has {phases.Count} phases; at most {MaxPhases} are taken");
        return phases;
    }

    private (string? Json, string? InterviewType) Tags(int index, JsonElement item)
    {
        if (!item.TryGetProperty("tags", out var value) || value.ValueKind == JsonValueKind.Null) return (null, null);
        if (value.ValueKind != JsonValueKind.Object)
        {
            Fail(index, "tags", $"must be an object, not {Kind(value)}");
            return (null, null);
        }

        string? interviewType = null;
        var count = 0;
        foreach (var tag in value.EnumerateObject())
        {
            count++;
            if (tag.Value.ValueKind is JsonValueKind.Object or JsonValueKind.Array)
            {
                Fail(index, $"tags.{tag.Name}", "must be a string, number or boolean");
            }
            else if (tag.Name.Length > 64 || tag.Value.GetRawText().Length > MaxTextLength)
            {
                Fail(index, $"tags.{tag.Name}", $"names are at most 64 characters and values at most {MaxTextLength}");
            }
            else if (tag.Name == "interview_type")
            {
                interviewType = tag.Value.ValueKind == JsonValueKind.String ? tag.Value.GetString() : null;
                if (interviewType is null || !AnalyticsRequest.NamePattern().IsMatch(interviewType))
                {
                    Fail(index, "tags.interview_type", "must be 1 to 64 letters, digits, '.', '_' or '-'");
                }
            }
        }

        if (count > MaxTags) Fail(index, "tags", $"has {count} tags; at most {MaxTags} are taken");
        return (value.GetRawText(), interviewType);
    }

    private double? Duration(int index, string field, JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out var ms))
        {
            Fail(index, field, $"must be a number of milliseconds, not {Kind(value)}");
            return null;
        }

        if (!double.IsFinite(ms) || ms < 0 || ms > LatencyDigest.MaxMs)
        {
            Fail(index, field, $"must be from 0 to {LatencyDigest.MaxMs:0} ms (7 days), not {value.GetRawText()}");
            return null;
        }

        return ms;
    }

    private void Fail(int index, string? field, string message) =>
        _errors.Add(new EventError(index, field, field is null ? $"Event {index} {message}." : $"Event {index}: '{field}' {message}."));

    private static string Kind(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Array => "an array",
        JsonValueKind.Object => "an object",
        _ => "null",
    };
}

/// <summary>One problem with one event of a batch.</summary>
internal sealed record EventError(int Index, string? Field, string Message);

/// <summary>A batch that cannot be read at all (not an array, empty, too many events).</summary>
internal sealed class EventBatchException(string message) : Exception(message);

/// <summary>The answer to an accepted batch: every event is stored.</summary>
internal sealed record EventsAccepted(int Accepted, string Semantics);
