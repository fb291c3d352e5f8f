using System.Net;
using Microsoft.Extensions.Time.Testing;
using Promptly.Tests.Support;

namespace Promptly.Tests.Invitations;

/// <summary>Invitations expire and can be revoked, and operators can list them; the link alone starts the session.</summary>
public sealed class InvitationLifetimeTests
{
    [Fact]
    public async Task Invitation_PastItsExpiry_Is410_AndListedAsExpired()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var server = PromptlyFactory.OnClock(time);
        var client = server.CreateClient();
        var token = (await client.PostJsonAsync("/invitations", new { concept_id = "oat_milk_v1", expires_in_hours = 2 }))["token"]!.GetValue<string>();

        time.Advance(TimeSpan.FromHours(2));

        var gone = await client.PostJsonAsync($"/invitations/{token}/start", new { }, HttpStatusCode.Gone);
        Assert.Contains("expired", gone["title"]!.GetValue<string>());
        Assert.Equal("expired", (await client.GetJsonAsync($"/invitations/{token}"))["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task RevokedInvitation_CannotStart_AUsedOneStaysUsed()
    {
        await using var server = new PromptlyFactory();
        var client = server.CreateClient();
        var revoked = (await client.PostJsonAsync("/invitations", new { concept_id = "oat_milk_v1" }))["token"]!.GetValue<string>();
        var used = (await client.PostJsonAsync("/invitations", new { concept_id = "oat_milk_v1" }))["token"]!.GetValue<string>();
        var anonymous = server.CreateClient();
        anonymous.DefaultRequestHeaders.Authorization = null;
        await anonymous.PostJsonAsync($"/invitations/{used}/start", new { });

        Assert.Equal("revoked", (await client.DeleteJsonAsync($"/invitations/{revoked}"))["status"]!.GetValue<string>());
        Assert.Equal("used", (await client.DeleteJsonAsync($"/invitations/{used}"))["status"]!.GetValue<string>());
        await anonymous.PostJsonAsync($"/invitations/{revoked}/start", new { }, HttpStatusCode.Gone);
        await client.DeleteJsonAsync("/invitations/nope", HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task List_NewestFirst_PagesWithBefore()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var server = PromptlyFactory.OnClock(time);
        var client = server.CreateClient();
        var tokens = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            tokens.Add((await client.PostJsonAsync("/invitations", new { concept_id = "oat_milk_v1" }))["token"]!.GetValue<string>());
            time.Advance(TimeSpan.FromSeconds(1));
        }

        var first = await client.GetJsonAsync("/invitations?limit=3");
        var next = first["next_before"]!.GetValue<DateTimeOffset>().ToString("O");
        var second = await client.GetJsonAsync($"/invitations?limit=3&before={Uri.EscapeDataString(next)}");

        var listed = first["invitations"]!.AsArray().Concat(second["invitations"]!.AsArray()).Select(i => i!["token"]!.GetValue<string>());
        Assert.Equal(Enumerable.Reverse(tokens), listed);
        Assert.Null(second["next_before"]);
        Assert.All(first["invitations"]!.AsArray(), i => Assert.Equal("open", i!["status"]!.GetValue<string>()));
    }
}
