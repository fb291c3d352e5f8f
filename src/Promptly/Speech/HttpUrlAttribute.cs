using System.ComponentModel.DataAnnotations;

namespace Promptly.Speech;

/// <summary>Empty, or an absolute http(s) URL: a provider endpoint that is set must be reachable as written.</summary>
[AttributeUsage(AttributeTargets.Property)]
internal sealed class HttpUrlAttribute : ValidationAttribute
{
    protected override ValidationResult? IsValid(object? value, ValidationContext validationContext) =>
        value is not string { Length: > 0 } text
        || (Uri.TryCreate(text, UriKind.Absolute, out var url) && url.Scheme is "http" or "https")
            ? ValidationResult.Success
            : new ValidationResult(
                $"{validationContext.MemberName} must be an absolute http(s) URL such as http://127.0.0.1:8080/v1, not '{text}'.",
                validationContext.MemberName is { } member ? [member] : []);
}
