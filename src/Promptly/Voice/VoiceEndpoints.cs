using System.Runtime.InteropServices;
using Promptly.Speech;
using Promptly.Http;
using Promptly.Interviews;
using Promptly.Access;

namespace Promptly.Voice;

/// <summary>
/// <c>GET /sessions/{id}/voice</c>: a voice interview over a WebSocket (<see cref="VoiceConversation"/>). The session
/// is checked before the upgrade, so an unknown one gets a 404 and an ended one a 409 as problem+json.
/// </summary>
internal static class VoiceEndpoints
{
    public static IEndpointRouteBuilder MapVoice(this IEndpointRouteBuilder app)
    {
        app.MapGet("/sessions/{id}/voice", ConnectAsync).RequireSessionAccess().WithQuery(AccessHandler.QueryParameter).WithTags("Sessions").WithName("VoiceSession").ProducesRequestProblems()
            .WithSummary("Upgrades to a WebSocket for a voice interview: PCM16 audio in, events and the interviewer's speech out (README, 'Voice interviews').")
            .Produces(StatusCodes.Status101SwitchingProtocols);
        app.MapGet("/sessions/{id}/turns/{questionNumber}/audio", RecordingAsync).RequireOperator().WithTags("Sessions").WithName("TurnAudio").ProducesRequestProblems()
            .WithSummary("The candidate's audio of one spoken turn, as the server heard it (WAV, 16 kHz mono PCM16).")
            .Produces(StatusCodes.Status200OK, contentType: "audio/wav");
        return app;
    }

    private static async Task<Results<FileContentHttpResult, NotFoundProblem>> RecordingAsync(string id, int questionNumber, ITurnRecordingStore recordings, HttpContext context)
    {
        var recording = await recordings.RecordingAsync(id, questionNumber, context.RequestAborted);
        if (recording is null)
        {
            return Problems.NotFound("No audio", $"Session {id} has no kept audio for question {questionNumber} (typed turns and Voice:KeepAudio=false keep none).", context);
        }

        return TypedResults.File(Wav.Encode(MemoryMarshal.Cast<byte, short>(recording.Pcm.AsSpan()), recording.SampleRate), "audio/wav", $"{id}-{questionNumber}.wav");
    }

    private static async Task<Results<EmptyHttpResult, BadRequestProblem, NotFoundProblem, ConflictProblem>> ConnectAsync(
        string id, HttpContext context, VoiceServices services, VoiceConnections connections)
    {
        try
        {
            var state = await services.Interviews.GetStateAsync(id, context.RequestAborted);
            if (!state.IsOpen) throw new SessionClosedException(id, state.Session.Status);
        }
        catch (InterviewNotFoundException e)
        {
            return InterviewProblems.NotFound(e, context);
        }
        catch (InterviewConflictException e)
        {
            return InterviewProblems.Conflict(e, context);
        }

        if (!context.WebSockets.IsWebSocketRequest)
        {
            return Problems.BadRequest("WebSocket expected", "This route is a WebSocket: connect with an upgrade request (ws:// or wss://).", context);
        }

        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        await using var conversation = new VoiceConversation(id, socket, services, context.RequestAborted);
        await connections.TakeOverAsync(id, conversation);
        try
        {
            await conversation.RunAsync();
        }
        finally
        {
            connections.Ended(id, conversation);
        }

        return TypedResults.Empty;
    }
}
