namespace Promptly.Budget;

/// <summary>The kinds of interview, each with its own budget: practice runs, and invited screenings.</summary>
internal static class InterviewTypes
{
    public const string Practice = "PRACTICE";
    public const string Invited = "INVITED";

    public static readonly string[] All = [Practice, Invited];
}
