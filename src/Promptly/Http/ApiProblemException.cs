namespace Promptly.Http;

/// <summary>
/// A request that cannot be served as asked; <see cref="ProblemExceptionHandler"/> turns it into an
/// <c>application/problem+json</c> response with this status.
/// </summary>
internal sealed class ApiProblemException(int status, string title, string detail, IDictionary<string, object?>? extensions = null) : Exception(detail)
{
    public int Status { get; } = status;
    public string Title { get; } = title;
    public IDictionary<string, object?>? Extensions { get; } = extensions;
}
