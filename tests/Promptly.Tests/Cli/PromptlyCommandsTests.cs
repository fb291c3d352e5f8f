using Promptly.Cli;

namespace Promptly.Tests.Cli;

/// <summary>Which arguments the command line takes over from the server, and its help.</summary>
public sealed class PromptlyCommandsTests
{
    [Theory]
    [InlineData("analyze")]
    [InlineData("bench")]
    [InlineData("load")]
    [InlineData("--help")]
    [InlineData("-h")]
    [InlineData("--version")]
    [InlineData("analyse")]
    public void Handles_CommandOrHelp_IsTheCommandLines(string first) => Assert.True(PromptlyCommands.Handles([first]));

    [Theory]
    [InlineData]
    [InlineData("--urls", "http://127.0.0.1:5080")]
    [InlineData("--Latency:ThresholdMs=3000")]
    [InlineData("--help", "--urls")]
    [InlineData("Urls=http://127.0.0.1:5080")]
    [InlineData("/urls", "http://127.0.0.1:5080")]
    public void Handles_ServerOptions_AreLeftToTheServer(params string[] args) => Assert.False(PromptlyCommands.Handles(args));

    [Fact]
    public async Task RunAsync_Help_ListsTheCommandsAndExitsZero()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        var code = await PromptlyCommands.RunAsync(["--help"], CliContext.Over(output, error));

        Assert.Equal(0, code);
        Assert.Contains("With no command it serves the API", output.ToString());
        foreach (var command in new[] { "analyze", "bench", "load" }) Assert.Contains(command, output.ToString());
    }

    [Fact]
    public async Task RunAsync_MistypedCommand_OneLineNamingItAndUsageExit()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        var code = await PromptlyCommands.RunAsync(["analyse", "--report"], CliContext.Over(output, error));

        Assert.Equal(Promptly.Load.ExitCodes.Usage, code);
        var line = Assert.Single(error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: ", line);
        Assert.Contains("analyse", line);
    }
}
