using System.Reflection;
using System.Text.RegularExpressions;
using NetArchTest.Rules;
using Promptly.Interviews;
using Promptly.Latency;
using Promptly.Load;

namespace Promptly.Tests.Architecture;

/// <summary>
/// Keeps the drawing in docs/architecture.md true: each folder (namespace) of the server uses only the ones below it,
/// the latency core knows no ASP.NET, and the interview core knows no HTTP. Checked on the compiled IL (method bodies
/// included), so a fully qualified name cannot slip past.
/// </summary>
public sealed class DependencyTests
{
    private const string Latency = "Promptly.Latency";

    /// <summary>What each namespace may use besides itself, the framework and <see cref="Latency"/>. Listed bottom up.</summary>
    private static readonly (string Namespace, string[] Uses)[] Layers =
    [
        ("Promptly.Storage", []),
        ("Promptly.Hosting", []),
        ("Promptly.Audio", []),
        ("Promptly.Observability", []),
        ("Promptly.Speech", ["Promptly.Audio"]),
        ("Promptly.Http", ["Promptly.Storage"]),
        ("Promptly.Access", ["Promptly.Http", "Promptly.Storage"]),
        ("Promptly.Guides", ["Promptly.Http"]),
        ("Promptly.Errors", ["Promptly.Access", "Promptly.Http"]),
        ("Promptly.Telemetry", ["Promptly.Access", "Promptly.Http", "Promptly.Observability"]),
        ("Promptly.Budget", ["Promptly.Hosting", "Promptly.Access", "Promptly.Errors", "Promptly.Http", "Promptly.Observability"]),
        ("Promptly.Analytics", ["Promptly.Hosting", "Promptly.Access", "Promptly.Budget", "Promptly.Errors", "Promptly.Http", "Promptly.Observability"]),
        ("Promptly.Alerts", ["Promptly.Access", "Promptly.Budget", "Promptly.Http"]),
        ("Promptly.Interviews", ["Promptly.Hosting", "Promptly.Access", "Promptly.Budget", "Promptly.Guides", "Promptly.Http", "Promptly.Storage", "Promptly.Observability"]),
        ("Promptly.Voice", ["Promptly.Access", "Promptly.Audio", "Promptly.Speech", "Promptly.Interviews", "Promptly.Budget", "Promptly.Guides", "Promptly.Http", "Promptly.Storage", "Promptly.Observability"]),
        ("Promptly.Graph", ["Promptly.Access", "Promptly.Interviews", "Promptly.Guides", "Promptly.Http"]),
        ("Promptly.Export", ["Promptly.Access", "Promptly.Graph", "Promptly.Interviews", "Promptly.Budget", "Promptly.Guides", "Promptly.Http"]),
        ("Promptly.Invitations", ["Promptly.Access", "Promptly.Interviews", "Promptly.Budget", "Promptly.Guides", "Promptly.Http"]),
        ("Promptly.Health", ["Promptly.Interviews", "Promptly.Http"]),
        ("Promptly.Diagnostics", ["Promptly.Access", "Promptly.Interviews", "Promptly.Http"]),
        // The pages are files that talk to the API over HTTP, as any client does: the server side knows no feature.
        ("Promptly.Web", []),
        // What both stores read back: row-to-record mappings over ADO.NET's DbDataReader.
        ("Promptly.Storage.Rows", ["Promptly.Access", "Promptly.Storage", "Promptly.Analytics", "Promptly.Errors", "Promptly.Interviews", "Promptly.Invitations", "Promptly.Telemetry"]),
        ("Promptly.Storage.Sqlite",
            ["Promptly.Hosting", "Promptly.Access", "Promptly.Storage", "Promptly.Storage.Rows", "Promptly.Alerts", "Promptly.Analytics", "Promptly.Budget", "Promptly.Errors", "Promptly.Health", "Promptly.Interviews", "Promptly.Invitations", "Promptly.Telemetry", "Promptly.Observability"]),
        ("Promptly.Storage.Postgres",
            ["Promptly.Access", "Promptly.Storage", "Promptly.Storage.Rows", "Promptly.Alerts", "Promptly.Analytics", "Promptly.Budget", "Promptly.Errors", "Promptly.Health", "Promptly.Interviews", "Promptly.Invitations", "Promptly.Telemetry", "Promptly.Observability"]),
        // The one place that knows both stores: it registers the one configuration names.
        ("Promptly.Storage.Providers",
            ["Promptly.Storage", "Promptly.Storage.Sqlite", "Promptly.Storage.Postgres", "Promptly.Alerts", "Promptly.Analytics", "Promptly.Budget", "Promptly.Errors", "Promptly.Health", "Promptly.Interviews", "Promptly.Invitations", "Promptly.Telemetry"]),
        ("Promptly.Load", ["Promptly.Analytics", "Promptly.Interviews", "Promptly.Budget", "Promptly.Http"]),
        ("Promptly.Bench", ["Promptly.Load", "Promptly.Interviews", "Promptly.Budget", "Promptly.Http"]),
        ("Promptly.Cli",
            ["Promptly.Bench", "Promptly.Load", "Promptly.Analytics", "Promptly.Budget", "Promptly.Http", "Promptly.Interviews", "Promptly.Storage", "Promptly.Storage.Providers", "Promptly.Storage.Sqlite"]),
    ];

    private static readonly Assembly Server = typeof(InterviewService).Assembly;

    public static TheoryData<string> Namespaces() => [.. Layers.Select(l => l.Namespace)];

    [Theory]
    [MemberData(nameof(Namespaces))]
    public void Namespace_UsesOnlyTheLayersBelowIt(string name)
    {
        var uses = Layers.Single(l => l.Namespace == name).Uses;
        var forbidden = Layers.Select(l => l.Namespace).Where(n => n != name && !uses.Contains(n)).ToArray();

        var result = Types.InAssembly(Server).That().ResideInNamespaceMatching($"^{Regex.Escape(name)}$")
            .ShouldNot().HaveDependencyOnAny(forbidden).GetResult();

        Assert.True(result.IsSuccessful, $"{name} may use only {string.Join(", ", uses.Append(Latency))}; these types use more: {string.Join(", ", result.FailingTypeNames ?? [])}");
    }

    [Fact]
    public void Layers_EveryServerNamespaceIsPlaced()
    {
        var placed = Layers.Select(l => l.Namespace).ToHashSet();
        var actual = Server.GetTypes().Select(t => t.Namespace).OfType<string>().Where(n => n.StartsWith("Promptly", StringComparison.Ordinal)).ToHashSet();

        Assert.Empty(actual.Except(placed));
    }

    [Fact]
    public void Layers_UseOnlyLayersListedBeforeThem_SoNoCycleIsPossible()
    {
        for (var i = 0; i < Layers.Length; i++)
        {
            var below = Layers.Take(i).Select(l => l.Namespace).ToHashSet();
            Assert.All(Layers[i].Uses, used => Assert.Contains(used, below));
        }
    }

    [Fact]
    public void LatencyCore_ReferencesNoAspNetCore()
    {
        var references = typeof(LatencyTracker).Assembly.GetReferencedAssemblies().Select(a => a.Name!);

        Assert.DoesNotContain(references, r => r.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal) || r.StartsWith("Promptly", StringComparison.Ordinal));
    }

    [Fact]
    public void DriverLibrary_ReferencesNeitherTheServerNorAspNetCore()
    {
        // bench/Promptly.TurnLoad references the shared interview driver alone.
        var references = typeof(InterviewDriver).Assembly.GetReferencedAssemblies().Select(a => a.Name!).ToList();

        Assert.DoesNotContain("Promptly", references);
        Assert.DoesNotContain(references, r => r.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal));
    }

    [Fact]
    public void InterviewCore_KnowsNoHttp()
    {
        // The edge of the feature (endpoints, the event stream, problem mapping, JSON, registration) adapts the core to
        // HTTP; everything else must serve a WebSocket or any other transport as it is.
        var result = Types.InAssembly(Server).That().ResideInNamespaceMatching(@"^Promptly\.Interviews$")
            .And().DoNotHaveNameMatching("(Endpoints|EventStream|Problems|Json|Registration)")
            .ShouldNot().HaveDependencyOnAny("Microsoft.AspNetCore", "Promptly.Http").GetResult();

        Assert.True(result.IsSuccessful, $"These interview types know HTTP: {string.Join(", ", result.FailingTypeNames ?? [])}");
    }

    [Fact]
    public void Server_OnlyProgramIsPublic()
    {
        var visible = Server.GetExportedTypes().Select(t => t.FullName);

        Assert.Equal(["Program"], visible);
    }
}
