using System.Net;
using System.Text;

namespace Promptly.Tests.Support;

/// <summary>
/// A server in a handler: answers every request with <paramref name="answer"/>, given the request, its number
/// (1 for the first) and the request's cancellation. Its answers are Promptly-shaped enough for every scenario kind.
/// </summary>
public sealed class ScriptedServer(Func<HttpRequestMessage, int, CancellationToken, Task<HttpStatusCode>> answer) : HttpMessageHandler
{
    private int _requests;

    public int Requests => Volatile.Read(ref _requests);

    public static ScriptedServer Fast() => new((_, _, _) => Task.FromResult(HttpStatusCode.OK));

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var n = Interlocked.Increment(ref _requests);
        var status = await answer(request, n, cancellationToken);
        var body = request.Method == HttpMethod.Post
            ? """{"id":"s1","done":false,"latency":{"response_time_ms":1.5}}"""
            : """{"status":"ok"}""";
        return new HttpResponseMessage(status) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
    }
}
