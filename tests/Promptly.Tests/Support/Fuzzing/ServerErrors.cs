using Microsoft.Extensions.Logging;

namespace Promptly.Tests.Support.Fuzzing;

/// <summary>
/// Keeps the exceptions a server logs as errors, so that a fuzz failure shows why the server answered 500. Errors
/// without an exception (a severe latency violation) are the server's news, not its failures, and are left out.
/// </summary>
public sealed class ServerErrors : ILoggerProvider
{
    private readonly List<string> _errors = [];

    public int Count
    {
        get
        {
            lock (_errors) return _errors.Count;
        }
    }

    /// <summary>The first error logged, often the cause, and the last few, the failure at hand.</summary>
    public string Summary()
    {
        lock (_errors)
        {
            return _errors.Count <= 3 ? string.Join("\n", _errors) : $"{_errors[0]}\n(…)\n{string.Join("\n", _errors.TakeLast(2))}";
        }
    }

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(ServerErrors errors, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Error;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel) || exception is null) return;
            lock (errors._errors) errors._errors.Add($"{category}: {formatter(state, exception)}\n{exception}");
        }
    }
}
