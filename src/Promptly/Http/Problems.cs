using Promptly.Guides;

namespace Promptly.Http;

/// <summary>The problems the API answers with, worded once.</summary>
public static class Problems
{
    public static ApiProblemException BadRequest(string detail, IDictionary<string, object?>? extensions = null) =>
        new(StatusCodes.Status400BadRequest, "Invalid request", detail, extensions);

    public static ApiProblemException UnknownConcept(string id, GuideCatalog catalog, int status = StatusCodes.Status400BadRequest) =>
        new(status, "Unknown concept", $"There is no concept '{id}'. Known concepts: {string.Join(", ", catalog.Ids)}.",
            new Dictionary<string, object?> { ["known_concepts"] = catalog.Ids.ToArray() });

    public static ApiProblemException SessionNotFound(string id) =>
        new(StatusCodes.Status404NotFound, "Session not found", $"There is no session '{id}'.");

    public static ApiProblemException SessionClosed(string id, string status) =>
        new(StatusCodes.Status409Conflict, "Session has ended", $"Session '{id}' is {status} and takes no more turns.");

    public static ApiProblemException Conflict(string detail) =>
        new(StatusCodes.Status409Conflict, "Conflict", detail);

    public static ApiProblemException PayloadTooLarge(long limitBytes) =>
        new(StatusCodes.Status413PayloadTooLarge, "Request too large", $"The request body is over the limit of {limitBytes} bytes.");

    public static ApiProblemException NotFound(string title, string detail) =>
        new(StatusCodes.Status404NotFound, title, detail);
}
