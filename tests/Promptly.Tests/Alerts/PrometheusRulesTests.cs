using System.Diagnostics;
using Promptly.Tests.Support;

namespace Promptly.Tests.Alerts;

/// <summary>
/// deploy/prometheus/promptly-rules.yml is valid and its promtool unit tests pass. promtool is required, not optional:
/// <c>.ci/run</c> installs it, and a machine without it fails here with what to install rather than passing unchecked.
/// </summary>
public sealed class PrometheusRulesTests
{
    private static readonly string Rules = Path.Combine(Repository.Root(), "deploy", "prometheus");

    [Fact]
    public async Task RulesFile_PassesPromtoolCheck() => await PromtoolAsync("check", "rules", "promptly-rules.yml");

    [Fact]
    public async Task RulesFile_PassesItsUnitTests_FastBurnPagesSlowBurnTickets() => await PromtoolAsync("test", "rules", "promptly-rules.test.yml");

    private static async Task PromtoolAsync(params string[] arguments)
    {
        var promtool = Needs.OnPath("promtool")
            ?? throw new Xunit.Sdk.XunitException("promtool is not on the PATH: install the Debian package 'prometheus' (apt-get install prometheus), as .ci/run does.");
        var start = new ProcessStartInfo(promtool) { WorkingDirectory = Rules, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();

        Assert.True(process.ExitCode == 0, $"promtool {string.Join(' ', arguments)} exited with {process.ExitCode}:\n{await output}\n{await errors}");
    }
}
