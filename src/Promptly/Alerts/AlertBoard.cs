namespace Promptly.Alerts;

/// <summary>The state of every (rule, interview type): which alerts fire, and the latest resolved ones.</summary>
/// <remarks>
/// Thread-safe: the evaluator writes, requests read. Held in memory, per instance: the counts it is decided on are read
/// from the store, so after a restart the first evaluation shows again whatever still burns (since then), and instances
/// on one database show what their own latest evaluations decided from the same responses; the resolved history is
/// this instance's since it started.
/// </remarks>
internal sealed class AlertBoard
{
    /// <summary>Resolved alerts kept for <c>GET /api/alerts</c>; older ones drop off.</summary>
    public const int ResolvedKept = 100;

    private readonly Lock _gate = new();
    private readonly Dictionary<(string Rule, string InterviewType), Alert> _firing = [];
    private readonly LinkedList<Alert> _resolved = [];
    private DateTimeOffset? _evaluatedAt;
    private double _targetCompliance;

    /// <summary>Records one evaluation of <paramref name="rule"/> for <paramref name="interviewType"/>.</summary>
    public void Update(AlertRule rule, string interviewType, bool firing, WindowFigures longWindow, WindowFigures shortWindow, DateTimeOffset now)
    {
        lock (_gate)
        {
            var key = (rule.Name, interviewType);
            if (_firing.TryGetValue(key, out var current))
            {
                if (firing)
                {
                    _firing[key] = current with { LongWindow = longWindow, ShortWindow = shortWindow };
                    return;
                }

                _firing.Remove(key);
                var resolved = current with { State = AlertStates.Resolved, LongWindow = longWindow, ShortWindow = shortWindow, ResolvedAt = now };
                _resolved.AddFirst(resolved);
                if (_resolved.Count > ResolvedKept) _resolved.RemoveLast();
                return;
            }

            if (firing)
            {
                _firing[key] = new Alert(
                    rule.Alert, rule.Name, rule.Severity, interviewType, AlertStates.Firing, rule.BurnRate, longWindow, shortWindow, now, null);
            }
        }
    }

    public void Evaluated(DateTimeOffset at, double targetCompliance)
    {
        lock (_gate)
        {
            _evaluatedAt = at;
            _targetCompliance = targetCompliance;
        }
    }

    public AlertList List()
    {
        lock (_gate)
        {
            return new AlertList(
                _evaluatedAt, _targetCompliance, [.. _firing.Values.OrderBy(a => a.Since).ThenBy(a => a.Rule, StringComparer.Ordinal)], [.. _resolved]);
        }
    }
}
