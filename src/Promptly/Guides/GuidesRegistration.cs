using Microsoft.Extensions.Options;
using Promptly.Http;

namespace Promptly.Guides;

internal static class GuidesRegistration
{
    public static WebApplicationBuilder AddGuides(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<GuideOptions>().BindConfiguration(GuideOptions.Section);
        builder.Services.AddSingleton(sp => GuideCatalog.Load(
            sp.GetRequiredService<IOptions<GuideOptions>>().Value,
            sp.GetRequiredService<ILoggerFactory>().CreateLogger<GuideCatalog>()));
        builder.Services.AddJsonContext(GuidesJson.Default);
        return builder;
    }

    public static IEndpointRouteBuilder MapGuides(this IEndpointRouteBuilder app)
    {
        app.MapGet("/concepts", (GuideCatalog catalog) => TypedResults.Ok(catalog.All.Select(GuideSummary.From))).AllowAnonymous()
            .WithName("ListConcepts").WithSummary("The interview guides this server can run.");
        app.MapGet("/concepts/{id}", GetAsync).AllowAnonymous()
            .WithName("GetConcept").WithSummary("One interview guide in full.");
        return app;
    }

    private static Results<Ok<InterviewGuide>, NotFoundProblem> GetAsync(string id, HttpContext context, GuideCatalog catalog)
    {
        try
        {
            return TypedResults.Ok(catalog.Get(id));
        }
        catch (UnknownConceptException e)
        {
            return new NotFoundProblem(GuideProblems.UnknownConcept(e, context, StatusCodes.Status404NotFound));
        }
    }
}

/// <summary>What <c>GET /concepts</c> lists for each guide.</summary>
internal sealed record GuideSummary(string Id, string Title, string Kind, string Description, int Elements, int MaxTurns, double TargetCoverage)
{
    public static GuideSummary From(InterviewGuide g) =>
        new(g.Id, g.Title, g.Kind, g.Description, g.Elements.Count, g.MaxTurns, g.TargetCoverage);
}
