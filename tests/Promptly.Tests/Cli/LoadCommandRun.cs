using System.Net;
using System.Net.Sockets;
using System.Text;
using Promptly.Cli;
using Promptly.Tests.Support;

namespace Promptly.Tests.Cli;

/// <summary>What one <c>promptly load</c> run printed and exited with.</summary>
public sealed record LoadCommandRun(int ExitCode, string Output, string Error) : CommandRun(ExitCode, Output, Error)
{
    /// <summary>Runs <c>load</c> with <paramref name="args"/>, writing to strings; <paramref name="server"/> receives its requests.</summary>
    public static async Task<LoadCommandRun> RunAsync(HttpMessageHandler? server, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await PromptlyCommands.RunAsync(["load", .. args], CliContext.Over(output, error, server, width: 240, apiKey: PromptlyFactory.OperatorKey));
        return new LoadCommandRun(code, output.ToString(), error.ToString());
    }

    /// <summary>A loopback port that was just free and is closed again: connecting to it is refused.</summary>
    public static int ClosedPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    /// <summary>A temporary file with <paramref name="text"/>, named with <paramref name="extension"/>.</summary>
    public static string TempFile(string text, string extension)
    {
        var folder = Path.Combine(Path.GetTempPath(), "promptly-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, "file" + extension);
        File.WriteAllText(path, text, Encoding.UTF8);
        return path;
    }
}
