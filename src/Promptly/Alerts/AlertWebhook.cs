using System.Net;
using System.Threading.Channels;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace Promptly.Alerts;

/// <summary>
/// Sends each state change to <see cref="AlertsOptions.WebhookUrl"/> from a queue of its own, one delivery at a time,
/// so a slow or failing receiver never holds up the evaluator or a turn. A delivery is retried with exponential
/// backoff within <see cref="AlertsOptions.WebhookTimeoutSeconds"/>; one that still fails is logged and dropped.
/// </summary>
internal sealed partial class AlertWebhook : BackgroundService
{
    /// <summary>The named client of <see cref="IHttpClientFactory"/> the deliveries go through.</summary>
    public const string HttpClientName = "Promptly.Alerts.Webhook";

    /// <summary>Changes waiting; beyond this many (a receiver down for long) new ones are logged and dropped.</summary>
    private const int QueueLimit = 1000;

    private readonly Channel<Alert> _queue;
    private readonly Uri? _url;
    private readonly IHttpClientFactory _clients;
    private readonly ResiliencePipeline<HttpResponseMessage> _delivery;
    private readonly ILogger<AlertWebhook> _logger;

    public AlertWebhook(IOptions<AlertsOptions> options, IHttpClientFactory clients, TimeProvider time, ILogger<AlertWebhook> logger)
    {
        var settings = options.Value;
        _url = settings.WebhookUrl is { Length: > 0 } url ? new Uri(url) : null;
        _clients = clients;
        _logger = logger;
        _queue = Channel.CreateBounded<Alert>(
            new BoundedChannelOptions(QueueLimit) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true },
            alert => LogDropped(alert.Name, alert.Rule, alert.InterviewType, alert.State, QueueLimit));
        _delivery = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = time }
            .AddTimeout(TimeSpan.FromSeconds(settings.WebhookTimeoutSeconds))
            .AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = settings.WebhookAttempts - 1,
                BackoffType = DelayBackoffType.Exponential,
                Delay = TimeSpan.FromSeconds(1),
                // One sender per receiver: there is no crowd of clients for jitter to spread, and the waits stay the documented ones.
                UseJitter = false,
                // A refusal (4xx but 429) will be refused again; a server error, a throttle or no answer may pass later.
                ShouldHandle = new PredicateBuilder<HttpResponseMessage>()
                    .Handle<HttpRequestException>()
                    .HandleResult(r => (int)r.StatusCode >= 500 || r.StatusCode == HttpStatusCode.TooManyRequests),
            })
            .Build();
    }

    /// <summary>Queues <paramref name="alert"/> for delivery; does nothing without a webhook URL. Never waits.</summary>
    public void Enqueue(Alert alert)
    {
        if (_url is not null) _queue.Writer.TryWrite(alert);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_url is null) return;
        try
        {
            await foreach (var alert in _queue.Reader.ReadAllAsync(stoppingToken))
            {
                await DeliverAsync(_url, alert, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: changes still queued are not sent.
        }
    }

    private async Task DeliverAsync(Uri url, Alert alert, CancellationToken stoppingToken)
    {
        var client = _clients.CreateClient(HttpClientName);
        try
        {
            using var response = await _delivery.ExecuteAsync(
                async token => await client.PostAsJsonAsync(url, alert, AlertsJson.Default.Alert, token), stoppingToken);
            if (!response.IsSuccessStatusCode) LogRefused(alert.Name, alert.Rule, alert.InterviewType, alert.State, (int)response.StatusCode);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e) when (e is HttpRequestException or TimeoutRejectedException or OperationCanceledException)
        {
            LogFailed(e, alert.Name, alert.Rule, alert.InterviewType, alert.State);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Alert webhook refused {Alert} ({Rule}, {InterviewType}, {State}) with status {Status}; not sent again")]
    private partial void LogRefused(string alert, string rule, string interviewType, string state, int status);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Alert webhook failed for {Alert} ({Rule}, {InterviewType}, {State}) after its retries; not sent again")]
    private partial void LogFailed(Exception e, string alert, string rule, string interviewType, string state);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Alert webhook queue full ({Limit} waiting): {Alert} ({Rule}, {InterviewType}, {State}) not sent")]
    private partial void LogDropped(string alert, string rule, string interviewType, string state, int limit);
}
