using Microsoft.Extensions.Logging;

namespace Promptly.Tests.Support;

/// <summary>
/// Keeps formatted log lines ("LEVEL message") so tests can assert what the server logged; <paramref name="added"/>,
/// when given, is told of each line under the list's lock.
/// </summary>
public sealed class ListLoggerProvider(List<string> lines, Action<string>? added = null) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => new ListLogger(lines, added);

    public void Dispose()
    {
    }

    private sealed class ListLogger(List<string> lines, Action<string>? added) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var line = $"{logLevel.ToString().ToUpperInvariant()} {formatter(state, exception)}";
            lock (lines)
            {
                lines.Add(line);
                added?.Invoke(line);
            }
        }
    }
}
