using System.Net;
using Promptly.Tests.Support;

namespace Promptly.Tests.Invitations;

public sealed class InvitationApiTests : ApiTestBase
{

    [Fact]
    public async Task Invitation_StartsOneInvitedSession_SecondStartConflicts()
    {
        var invitation = await Client.PostJsonAsync("/invitations", new { concept_id = "customer_support_screening", candidate = "Joan" });
        var token = invitation["token"]!.GetValue<string>();
        Assert.True(token.Length >= 24);
        Assert.False(invitation["used"]!.GetValue<bool>());

        var session = await Client.PostJsonAsync($"/invitations/{token}/start", new { });
        Assert.Equal("INVITED", session["interview_type"]!.GetValue<string>());
        Assert.Equal("customer_support_screening", session["concept_id"]!.GetValue<string>());
        Assert.Equal(0, session["question_number"]!.GetValue<int>());
        Assert.Equal("Joan", (await Client.GetJsonAsync($"/sessions/{session.Id()}"))["candidate"]!.GetValue<string>());

        // Anybody holding the link can try it again: the refusal does not name the session it started.
        var problem = await Client.PostJsonAsync($"/invitations/{token}/start", new { }, HttpStatusCode.Conflict);
        Assert.DoesNotContain(session.Id(), problem["detail"]!.GetValue<string>());
        var used = await Client.GetJsonAsync($"/invitations/{token}");
        Assert.True(used["used"]!.GetValue<bool>());
        Assert.Equal(session.Id(), used["session_id"]!.GetValue<string>());
    }

    [Fact]
    public async Task Invitation_RacingStarts_ExactlyOneWins()
    {
        var token = (await Client.PostJsonAsync("/invitations", new { concept_id = "oat_milk_v1" }))["token"]!.GetValue<string>();
        var responses = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Client.PostAsync($"/invitations/{token}/start", null)));
        Assert.Equal(1, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
        Assert.Equal(5, responses.Count(r => r.StatusCode == HttpStatusCode.Conflict));
    }

    [FactWhenInstalled(Needs.Postgres)]
    public async Task Invitation_RacingStartsThroughTwoServersOnOneDatabase_ExactlyOneWins()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var a = new PromptlyFactory(database.ServerSettings());
        await using var b = new PromptlyFactory(database.ServerSettings());
        HttpClient[] clients = [a.CreateClient(), b.CreateClient()];
        var token = (await clients[0].PostJsonAsync("/invitations", new { concept_id = "oat_milk_v1" }))["token"]!.GetValue<string>();

        var responses = await Task.WhenAll(Enumerable.Range(0, 6).Select(i => clients[i % 2].PostAsync($"/invitations/{token}/start", null)));

        Assert.Equal(5, responses.Count(r => r.StatusCode == HttpStatusCode.Conflict));
        var won = Assert.Single(responses, r => r.StatusCode == HttpStatusCode.OK);
        var session = System.Text.Json.Nodes.JsonNode.Parse(await won.Content.ReadAsStringAsync())!["id"]!.GetValue<string>();
        Assert.Equal(session, (await clients[1].GetJsonAsync($"/invitations/{token}"))["session_id"]!.GetValue<string>());
    }

    [Fact]
    public async Task Invitation_UnknownToken_NotFound()
    {
        await Client.PostJsonAsync("/invitations/nope/start", new { }, HttpStatusCode.NotFound);
        await Client.GetJsonAsync("/invitations/nope", HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("{\"concept_id\":\"unknown\"}")]
    [InlineData("{\"candidate\":\"x\"}")]
    [InlineData("not json")]
    public async Task Invitation_BadRequest_BadRequest(string body) =>
        await Client.PostRawAsync("/invitations", body, HttpStatusCode.BadRequest);
}
