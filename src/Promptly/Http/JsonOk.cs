using System.Buffers;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http.Metadata;

namespace Promptly.Http;

/// <summary>
/// A 200 with a JSON body, for the hottest answers (a turn): the value is serialized in one synchronous pass, with the
/// feature's source-generated code, into a buffer reused by the thread, and sent with its
/// Content-Length. <c>TypedResults.Ok</c> serializes through the resumable streaming serializer and sends chunks,
/// which costs several times more for a body of a few hundred bytes. The OpenAPI document shows the same 200 and type.
/// </summary>
internal sealed class JsonOk<T>(T value, JsonTypeInfo<T> typeInfo) : IResult, IStatusCodeHttpResult, IValueHttpResult, IValueHttpResult<T>, IEndpointMetadataProvider
{
    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_buffer;

    [ThreadStatic]
    private static Utf8JsonWriter? t_writer;

    public T Value { get; } = value;

    object? IValueHttpResult.Value => Value;

    public int StatusCode => StatusCodes.Status200OK;

    int? IStatusCodeHttpResult.StatusCode => StatusCode;

    public Task ExecuteAsync(HttpContext httpContext)
    {
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(1024);
        buffer.ResetWrittenCount();
        var writer = t_writer ??= new Utf8JsonWriter(buffer);
        writer.Reset(buffer);
        JsonSerializer.Serialize(writer, Value, typeInfo);
        writer.Flush();

        var response = httpContext.Response;
        response.StatusCode = StatusCode;
        response.ContentType = "application/json; charset=utf-8";
        response.ContentLength = buffer.WrittenCount;
        // Copied into the response's pipe before the flush awaits, so the thread's buffer is free again at once.
        response.BodyWriter.Write(buffer.WrittenSpan);
        if (buffer.Capacity > 64 * 1024) t_buffer = null;
        var flush = response.BodyWriter.FlushAsync(httpContext.RequestAborted);
        return flush.IsCompletedSuccessfully ? Task.CompletedTask : flush.AsTask();
    }

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(T), ["application/json"]));
}
