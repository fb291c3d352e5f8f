using System.Runtime.InteropServices;
using Promptly.Latency;

namespace Promptly.Interviews;

/// <summary>Folds sessions, one at a time, into the figures of their guide and interview type and into the total.</summary>
/// <param name="idleBefore">An open session with no message since before this counts as abandoned.</param>
internal sealed class InterviewTally(DateTimeOffset idleBefore)
{
    private readonly Dictionary<(string ConceptId, string InterviewType), Group> _groups = [];
    private readonly Group _total = new();

    public void Add(in SessionOutcome session)
    {
        if (!_groups.TryGetValue((session.ConceptId, session.InterviewType), out var group))
        {
            group = new Group();
            _groups.Add((session.ConceptId, session.InterviewType), group);
        }

        var outcome = OutcomeOf(session);
        group.Add(session, outcome);
        _total.Add(session, outcome);
    }

    /// <summary>The figures, guides in name order and each guide's types in name order.</summary>
    public (InterviewFigures Total, IReadOnlyList<InterviewFigures> Guides) Figures() =>
        (_total.Figures(null, null),
            [.. _groups.OrderBy(g => g.Key.ConceptId, StringComparer.Ordinal).ThenBy(g => g.Key.InterviewType, StringComparer.Ordinal)
                .Select(g => g.Value.Figures(g.Key.ConceptId, g.Key.InterviewType))]);

    private enum Outcome { Active, Completed, Abandoned }

    // An erased session lost its status; the coverage stored by its completing turn still tells that it completed.
    private Outcome OutcomeOf(in SessionOutcome s) => s.Status switch
    {
        SessionStatus.Completed => Outcome.Completed,
        SessionStatus.Erased when s.ElementCoverage is not null => Outcome.Completed,
        SessionStatus.Active when (s.LastActivity ?? s.CreatedAt) >= idleBefore => Outcome.Active,
        _ => Outcome.Abandoned,
    };

    private sealed class Group
    {
        private int _started, _completed, _abandoned, _active;
        private readonly List<double> _durations = [];
        private double _coverage, _orphans, _questions;
        private int _measured;

        public void Add(in SessionOutcome s, Outcome outcome)
        {
            _started++;
            switch (outcome)
            {
                case Outcome.Active:
                    _active++;
                    return;
                case Outcome.Abandoned:
                    _abandoned++;
                    return;
            }

            _completed++;
            _questions += s.QuestionNumber;
            if (s.EndedAt is { } ended) _durations.Add((ended - s.CreatedAt).TotalSeconds);
            if (s is { ElementCoverage: { } coverage, OrphanRatio: { } orphans })
            {
                _coverage += coverage;
                _orphans += orphans;
                _measured++;
            }
        }

        public InterviewFigures Figures(string? conceptId, string? interviewType)
        {
            _durations.Sort();
            return new InterviewFigures(
                conceptId, interviewType, _started, _completed, _abandoned, _active,
                _completed + _abandoned == 0 ? null : Round(_completed / (double)(_completed + _abandoned)),
                Seconds(Percentiles.OfSorted(CollectionsMarshal.AsSpan(_durations), 50)),
                Seconds(Percentiles.OfSorted(CollectionsMarshal.AsSpan(_durations), 95)),
                _measured == 0 ? null : Round(_coverage / _measured),
                _measured == 0 ? null : Round(_orphans / _measured),
                _completed == 0 ? null : Round(_questions / _completed));
        }

        private static double Round(double share) => Math.Round(share, 4);

        private static double? Seconds(double? seconds) => seconds is { } s ? Math.Round(s, 3) : null;
    }
}
