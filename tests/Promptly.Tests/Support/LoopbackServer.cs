using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Promptly.Load.Voice;

namespace Promptly.Tests.Support;

/// <summary>
/// The real server on Kestrel at a free loopback port, for clients that cannot reach the in-memory test server: the
/// commands that open real WebSockets (<c>talk</c>, <c>voice-load</c>) and the browser.
/// </summary>
internal sealed class LoopbackServer : IAsyncDisposable
{
    private readonly PromptlyFactory _factory;

    private LoopbackServer(PromptlyFactory factory, string url)
    {
        _factory = factory;
        Url = url;
    }

    /// <summary>The base URL, e.g. http://127.0.0.1:40123.</summary>
    public string Url { get; }

    /// <summary>The server's own factory: its services, its logs, a client with the operator key.</summary>
    public PromptlyFactory Factory => _factory;

    /// <summary>A client of this server over real HTTP, sending the operator key (as the browser's server sees any client).</summary>
    public HttpClient OperatorClient()
    {
        var client = new HttpClient { BaseAddress = new Uri(Url) };
        client.DefaultRequestHeaders.Authorization = new("Bearer", PromptlyFactory.OperatorKey);
        return client;
    }

    /// <param name="speaks">False points espeak-ng at a missing program, so replies are text only and come at once.</param>
    /// <param name="settings">More settings, as <see cref="PromptlyFactory"/> takes them.</param>
    /// <param name="services">Replaces services, as <see cref="PromptlyFactory"/> does (a fake clock, say).</param>
    public static LoopbackServer Start(bool speaks = true, Dictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null)
    {
        settings = new Dictionary<string, string?>(settings ?? []);
        if (!speaks) settings["Voice:Tts:Espeak"] = "/nonexistent/espeak-ng";
        var factory = new PromptlyFactory(settings, services: services);
        factory.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        factory.StartServer();
        var addresses = factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        return new LoopbackServer(factory, addresses.First());
    }

    /// <summary>A WAV file of <paramref name="text"/> spoken by espeak-ng (22,050 Hz, as it writes them).</summary>
    public static async Task<string> SpeakAsync(string text)
    {
        var path = Path.Combine(Path.GetTempPath(), "promptly-tests", Guid.NewGuid().ToString("N") + ".wav");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var espeak = System.Diagnostics.Process.Start("espeak-ng", ["-w", path, text]);
        await espeak.WaitForExitAsync();
        return path;
    }

    /// <summary>A WAV file of <paramref name="audio"/>.</summary>
    public static string WavFile(WavAudio audio)
    {
        var path = Path.Combine(Path.GetTempPath(), "promptly-tests", Guid.NewGuid().ToString("N") + ".wav");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, audio.Encode());
        return path;
    }

    public ValueTask DisposeAsync() => _factory.DisposeAsync();
}
