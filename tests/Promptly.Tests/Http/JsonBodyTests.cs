using System.Net;
using System.Text.Json.Nodes;
using Promptly.Tests.Support;

namespace Promptly.Tests.Http;

/// <summary>
/// Bodies read through <c>JsonBody</c> (source-generated deserialization): a string that cannot become .NET text is a
/// 400 that says so and where, not a 500 and not "the wrong type".
/// </summary>
public sealed class JsonBodyTests : ApiTestBase
{
    [Theory]
    [InlineData("""{"user_input":"I like it\ud800"}""", "$.user_input")]
    [InlineData("""{"user_input":"\udc00 because"}""", "$.user_input")]
    [InlineData("""{"\ud800":"x","user_input":"fine"}""", "")]
    public async Task Turn_LoneSurrogateEscape_400SayingWhere(string body, string where)
    {
        var session = (await Client.StartAsync()).Id();

        var problem = await Client.PostRawAsync($"/sessions/{session}/turns", body, HttpStatusCode.BadRequest);

        Assert.Contains($"a string or property name{(where.Length > 0 ? $" at {where}" : "")} is not valid Unicode", problem["detail"]!.GetValue<string>());
        Assert.Equal(0, (await Client.GetJsonAsync($"/sessions/{session}"))["question_number"]!.GetValue<int>());
    }

    [Fact]
    public async Task Start_LoneSurrogateInCandidate_400()
    {
        var problem = await Client.PostRawAsync("/sessions", """{"concept_id":"oat_milk_v1","candidate":"Ada\ud800"}""", HttpStatusCode.BadRequest);

        Assert.Contains("$.candidate is not valid Unicode", problem["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task Turn_BytesThatAreNotUtf8_400()
    {
        var session = (await Client.StartAsync()).Id();
        byte[] body = [.. "{\"user_input\":\"caf"u8, 0xC3, 0x28, .. "\"}"u8];

        using var response = await Client.PostAsync($"/sessions/{session}/turns", new ByteArrayContent(body));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("$.user_input is not valid Unicode", JsonNode.Parse(await response.Content.ReadAsStringAsync())!["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task Turn_NumberForAString_StillTheWrongType()
    {
        var session = (await Client.StartAsync()).Id();

        var problem = await Client.PostRawAsync($"/sessions/{session}/turns", """{"user_input":5}""", HttpStatusCode.BadRequest);

        Assert.Contains("at $.user_input has the wrong type", problem["detail"]!.GetValue<string>());
    }
}
