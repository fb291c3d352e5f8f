using System.Reflection;
using Promptly.Bench;
using Promptly.Load;

namespace Promptly.Tests.Cli;

/// <summary>
/// The tools' dependencies point one way: Cli (the command line) uses Bench and Load, Bench uses Load, and the shared
/// driver library (Promptly.Load) uses none of the executable, so bench/Promptly.TurnLoad can reference it alone.
/// </summary>
public sealed class ToolLayersTests
{
    private const BindingFlags Everything = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;

    [Fact]
    public void DriverLibrary_References_NeitherTheExecutableNorAspNet()
    {
        var references = typeof(InterviewDriver).Assembly.GetReferencedAssemblies().Select(a => a.Name).ToList();

        Assert.DoesNotContain("Promptly", references);
        Assert.DoesNotContain(references, name => name!.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Promptly.Load", "Promptly.Cli")]
    [InlineData("Promptly.Load", "Promptly.Bench")]
    [InlineData("Promptly.Bench", "Promptly.Cli")]
    public void ToolNamespace_Types_UseNothingOfTheLayerAbove(string lower, string upper)
    {
        var types = typeof(BenchRunner).Assembly.GetTypes().Where(t => t.Namespace == lower);

        var offenders = types.SelectMany(t => UsedTypes(t).Where(u => u.Namespace == upper).Select(u => $"{t.Name} uses {u.FullName}")).Distinct().ToList();

        Assert.NotEmpty(types);
        Assert.Empty(offenders);
    }

    /// <summary>The types a type's signatures, fields and method locals name: what its code can reach without reflection.</summary>
    private static IEnumerable<Type> UsedTypes(Type type)
    {
        var used = new List<Type>();
        if (type.BaseType is { } baseType) used.Add(baseType);
        used.AddRange(type.GetInterfaces());
        used.AddRange(type.GetFields(Everything).Select(f => f.FieldType));
        foreach (var method in type.GetMethods(Everything).Cast<MethodBase>().Concat(type.GetConstructors(Everything)))
        {
            used.AddRange(method.GetParameters().Select(p => p.ParameterType));
            if (method is MethodInfo info) used.Add(info.ReturnType);
            if (method.GetMethodBody() is { } body) used.AddRange(body.LocalVariables.Select(l => l.LocalType));
        }

        return used.SelectMany(Expand);
    }

    private static IEnumerable<Type> Expand(Type type)
    {
        if (type.HasElementType) return Expand(type.GetElementType()!);
        return type.IsGenericType ? [type, .. type.GetGenericArguments().SelectMany(Expand)] : [type];
    }
}
