using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Promptly.Observability;

namespace Promptly.Tests.Support;

/// <summary>Instruments on a meter factory of their own, for the classes tests build without a server.</summary>
internal static class TestInstruments
{
    public static PromptlyInstruments Create() =>
        new(new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<IMeterFactory>());
}
