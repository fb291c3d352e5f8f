namespace Promptly.Graph;

/// <summary>The rungs of a means-end chain, from what a product is to why a person ultimately cares.</summary>
internal static class MeansEndLevel
{
    public const string Attribute = "attribute";
    public const string FunctionalConsequence = "functional_consequence";
    public const string PsychosocialConsequence = "psychosocial_consequence";
    public const string InstrumentalValue = "instrumental_value";
    public const string TerminalValue = "terminal_value";

    public static readonly IReadOnlyList<string> Ordered =
        [Attribute, FunctionalConsequence, PsychosocialConsequence, InstrumentalValue, TerminalValue];

    /// <summary>One rung up; the top rung stays where it is.</summary>
    public static string Next(string level)
    {
        var index = IndexOf(level);
        return Ordered[Math.Min(index + 1, Ordered.Count - 1)];
    }

    public static int IndexOf(string level)
    {
        for (var i = 0; i < Ordered.Count; i++)
        {
            if (Ordered[i] == level) return i;
        }

        throw new ArgumentOutOfRangeException(nameof(level), level, "Not a means-end level.");
    }
}
