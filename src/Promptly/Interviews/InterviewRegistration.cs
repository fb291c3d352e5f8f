using System.ClientModel;
using System.ClientModel.Primitives;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using OpenAI;

namespace Promptly.Interviews;

public static class InterviewRegistration
{
    public static WebApplicationBuilder AddInterviews(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<InterviewOptions>().BindConfiguration(InterviewOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<InterviewerOptions>().BindConfiguration(InterviewerOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<SessionCache>();
        builder.Services.AddSingleton<InterviewService>();
        builder.Services.AddSingleton<Interviewer>();
        builder.Services.AddSingleton<ModelCall>();
        builder.Services.AddChatClient(sp => CreateChatClient(sp.GetRequiredService<IOptions<InterviewerOptions>>().Value));
        return builder;
    }

    private static IChatClient CreateChatClient(InterviewerOptions options)
    {
        if (options.IsScripted) return new ScriptedChatClient();
        var client = new OpenAIClient(
            new ApiKeyCredential(string.IsNullOrEmpty(options.ApiKey) ? "unused" : options.ApiKey),
            new OpenAIClientOptions
            {
                Endpoint = string.IsNullOrWhiteSpace(options.Endpoint) ? null : new Uri(options.Endpoint),
                // ModelCall retries within the response's deadline; the SDK's own retries (with their own waits) would not know it.
                RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
            });
        return client.GetChatClient(options.Model).AsIChatClient();
    }
}
