using CsCheck;

namespace Promptly.Tests.Support.Fuzzing;

internal static class Weighted
{
    /// <summary>
    /// One of <paramref name="choices"/>, each as often as its weight. CsCheck's own <c>Gen.Frequency</c> takes generators
    /// as <c>IGen</c>: given <c>Gen</c>s it takes them for constants and makes a generator of generators.
    /// </summary>
    public static Gen<T> Of<T>(params (int Weight, Gen<T> Gen)[] choices) => Gen.Frequency([.. choices.Select(c => (c.Weight, (IGen<T>)c.Gen))]);
}
