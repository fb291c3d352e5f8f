using System.ClientModel;
using System.ClientModel.Primitives;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using OpenAI;
using Promptly.Access;
using Promptly.Http;
using Promptly.Latency;

namespace Promptly.Interviews;

internal static class InterviewRegistration
{
    public static WebApplicationBuilder AddInterviews(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<InterviewOptions>().BindConfiguration(InterviewOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<InterviewerOptions>().BindConfiguration(InterviewerOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<SessionCache>();
        builder.Services.AddSingleton<InterviewService>();
        builder.Services.AddSingleton<InterviewStatistics>();
        builder.Services.AddSingleton<ISessionCredentials, SessionCredentials>();
        builder.Services.AddSingleton<OpenSessionsPerAddress>();
        builder.Services.AddOptions<PrivacyOptions>().BindConfiguration(PrivacyOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<TranscriptRetention>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<TranscriptRetention>());
        builder.Services.AddSingleton<Interviewer>();
        builder.Services.AddSingleton<ModelCall>();
        builder.Services.AddJsonContext(InterviewsJson.Default);
        builder.Services.AddChatClient(sp => CreateChatClient(sp.GetRequiredService<IOptions<InterviewerOptions>>().Value, sp.GetRequiredService<TimeProvider>()));
        return builder;
    }

    private static IChatClient CreateChatClient(InterviewerOptions options, TimeProvider time)
    {
        if (options.IsScripted) return new ScriptedChatClient();
        var primary = OpenAiChatClient(options.Endpoint, options.Model, options.ApiKey);
        if (!options.Hedges) return primary;
        var secondary = OpenAiChatClient(options.HedgeEndpoint, options.HedgeModel ?? options.Model, options.HedgeApiKey ?? options.ApiKey);
        return new HedgingChatClient(primary, secondary, TimeSpan.FromMilliseconds(options.HedgeAfterMs), time);
    }

    private static IChatClient OpenAiChatClient(string? endpoint, string model, string? apiKey)
    {
        var client = new OpenAIClient(
            new ApiKeyCredential(string.IsNullOrEmpty(apiKey) ? "unused" : apiKey),
            new OpenAIClientOptions
            {
                Endpoint = string.IsNullOrWhiteSpace(endpoint) ? null : new Uri(endpoint),
                // ModelCall retries within the response's deadline; the SDK's own retries (with their own waits) would not know it.
                RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
            });
        // Each provider's calls as client spans and gen_ai.* metrics (model, tokens, time) by OpenTelemetry's GenAI
        // conventions, in Promptly's trace and meter; recorded only when something listens.
        return client.GetChatClient(model).AsIChatClient().AsBuilder().UseOpenTelemetry(sourceName: LatencyTracing.SourceName).Build();
    }
}
