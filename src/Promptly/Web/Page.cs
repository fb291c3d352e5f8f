namespace Promptly.Web;

/// <summary>The pages the server renders; each is an HTML template embedded in the binary (<c>Web/Pages/*.html</c>).</summary>
internal enum Page
{
    Interview,
    Dashboard,
}
