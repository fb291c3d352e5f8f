using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Promptly.Load;

/// <summary>
/// <c>--self-test</c> and <c>--fake-server</c>: a Kestrel server on 127.0.0.1 that answers every load request at
/// once with a fixed body shaped like Promptly's. Loading it measures the generator's own capacity: any limit found
/// is the generator's (and the shared CPU's), not a real server's. In this process (<c>--self-test</c>) the two share
/// one runtime; in another (<c>--fake-server PORT</c>) they are measured apart.
/// </summary>
internal sealed class FakeServer : IAsyncDisposable
{
    private static readonly byte[] SessionBody = """{"id":"fake","question_number":0,"done":false,"latency":{"response_time_ms":0.001}}"""u8.ToArray();
    private static readonly byte[] TurnBody = """{"session_id":"fake","question_number":1,"done":false,"latency":{"response_time_ms":0.001}}"""u8.ToArray();
    private static readonly byte[] StateBody = """{"id":"fake","status":"active","done":false}"""u8.ToArray();

    private readonly WebApplication _app;

    private FakeServer(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
    }

    /// <summary>The base URL, ending in '/'.</summary>
    public Uri Address { get; }

    /// <summary>Starts on 127.0.0.1:<paramref name="port"/> (0: any free port).</summary>
    public static async Task<FakeServer> StartAsync(int port, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port));
        var app = builder.Build();
        app.Run(AnswerAsync);
        await app.StartAsync(cancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new FakeServer(app, new Uri(address.TrimEnd('/') + "/"));
    }

    private static Task AnswerAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "";
        var body = HttpMethods.IsPost(context.Request.Method)
            ? path.EndsWith("/turns", StringComparison.Ordinal) ? TurnBody : SessionBody
            : StateBody;
        context.Response.ContentType = "application/json";
        context.Response.ContentLength = body.Length;
        return context.Response.Body.WriteAsync(body, 0, body.Length, context.RequestAborted);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
