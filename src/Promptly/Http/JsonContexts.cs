using System.Text.Json.Serialization;

namespace Promptly.Http;

internal static class JsonContexts
{
    /// <summary>
    /// Adds a feature's source-generated serializer context to the ones HTTP answers are written with, so each
    /// feature registers its own wire types and this folder names none of them.
    /// </summary>
    public static IServiceCollection AddJsonContext(this IServiceCollection services, JsonSerializerContext context) =>
        services.ConfigureHttpJsonOptions(options => options.SerializerOptions.TypeInfoResolverChain.Insert(0, context));
}
