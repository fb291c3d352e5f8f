namespace Promptly.Tests.Support;

/// <summary>What one run of a <c>promptly</c> command printed and exited with, and the checks every command's tests share.</summary>
public abstract record CommandRun(int ExitCode, string Output, string Error)
{
    public void AssertExit(int code) => Assert.True(ExitCode == code, $"exit {ExitCode}, expected {code}; stderr: {Error}; stdout: {Output}");

    public void AssertOk() => Assert.True(ExitCode == 0, $"exit {ExitCode}; stderr: {Error}; stdout: {Output}");

    /// <summary>Asserts the run failed with <paramref name="code"/> and explained it in one line on stderr, without a stack trace.</summary>
    public virtual void AssertFailed(int code, string containing)
    {
        AssertExit(code);
        var lines = Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.StartsWith("error: ", lines[0]);
        Assert.Contains(containing, lines[0]);
        Assert.DoesNotContain("   at ", Error);
    }
}
