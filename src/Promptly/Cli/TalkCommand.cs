using System.CommandLine;
using System.Net;
using Promptly.Load;
using Promptly.Load.Voice;
using Spectre.Console;

namespace Promptly.Cli;

/// <summary>
/// <c>promptly talk URL --answers a1.wav a2.wav …</c>: a spoken interview from recorded answers over the voice socket,
/// one line per turn (what the server heard, the interviewer's words, the voice-to-voice response time and its
/// phases), the interviewer's speech saved as WAV files, and a summary at the end.
/// </summary>
internal sealed class TalkCommand
{
    public const string Name = "talk";

    /// <summary>A short consumer interview: a few answers reach its end.</summary>
    public const string DefaultConcept = "oat_milk_v1";

    private readonly Argument<string> _url = new("url") { Description = "The server, e.g. http://127.0.0.1:5000." };
    private readonly Option<string[]> _answers = new("--answers")
    {
        Description = "The answers, one WAV file each (PCM16 mono, e.g. espeak-ng -w a1.wav \"I like oat milk\"), spoken in order.",
        HelpName = "WAV",
        Required = true,
        AllowMultipleArgumentsPerToken = true,
    };
    private readonly Option<string> _concept = new("--concept") { Description = "The guide of the new interview.", HelpName = "ID", DefaultValueFactory = _ => DefaultConcept };
    private readonly Option<string?> _session = new("--session") { Description = "Continue this open session instead of starting one.", HelpName = "ID" };
    private readonly Option<string?> _out = new("--out") { Description = "Save the interviewer's replies here as NN-question.wav (00 is the greeting).", HelpName = "DIR" };
    private readonly Option<bool> _fast = new("--fast") { Description = "Send the audio as fast as the server takes it instead of in real time." };
    private readonly Option<int?> _sampleRate = new("--sample-rate")
    {
        Description = "The rate to send at: 8000, 16000, 24000 or 48000. Default: the first answer's rate when it is one of these, else 16000. " +
            "Answers at another rate (espeak-ng writes 22050 Hz) are resampled on the client by linear interpolation.",
        HelpName = "HZ",
    };

    /// <summary>The <c>talk</c> command, writing to <paramref name="context"/>.</summary>
    public static Command Create(CliContext context) => new TalkCommand().Build(context);

    private Command Build(CliContext context)
    {
        var talk = new Command(Name, "Talk to a voice interview from WAV files: streams each answer in 20 ms frames, prints each turn, saves the replies.")
        {
            _url, _answers, _concept, _session, _out, _fast, _sampleRate,
        };
        talk.SetAction((parse, token) => ExecuteAsync(parse, context, token));
        return talk;
    }

    private async Task<int> ExecuteAsync(ParseResult parse, CliContext context, CancellationToken cancellationToken)
    {
        try
        {
            var url = parse.GetValue(_url);
            var server = ServerUrl.Parse(url) ?? throw CommandException.Usage($"The URL must be http(s), such as http://127.0.0.1:5000, not '{url}'.");
            var (answers, rate) = ReadAnswers(parse.GetValue(_answers) ?? [], parse.GetValue(_sampleRate));
            var folder = parse.GetValue(_out);
            if (folder is not null) Directory.CreateDirectory(folder);

            // A session it starts is spoken with the candidate's own token; a named one with the operator key.
            var (sessionId, bearer) = parse.GetValue(_session) is { } named
                ? (named, context.ApiKey)
                : await StartSessionAsync(server, parse.GetValue(_concept)!, context, cancellationToken);
            await using var connection = await ConnectAsync(server, sessionId, bearer, cancellationToken);
            context.Out.MarkupLine(Markup.Escape($"Session {sessionId}: {answers.Count} answer(s) at {rate} Hz{(parse.GetValue(_fast) ? ", fast" : ", in real time")}."));

            var replies = new List<TalkReply>();
            var talk = new VoiceTalk(connection, rate, parse.GetValue(_fast), TimeProvider.System);
            await talk.RunAsync(answers, reply =>
            {
                replies.Add(reply);
                // Plain lines, never wrapped: a turn stays one line for grep even when the output is a file.
                foreach (var line in TalkLines.Turn(reply)) context.Out.Profile.Out.Writer.WriteLine(line);
                if (folder is not null && reply.Audio.Length > 0)
                {
                    File.WriteAllBytes(Path.Combine(folder, $"{reply.Turn:00}-question.wav"), new WavAudio(reply.Audio, rate).Encode());
                }
            }, cancellationToken);
            await connection.CloseAsync(cancellationToken);

            context.Out.MarkupLine(Markup.Escape(TalkLines.Summary(replies)));
            if (folder is not null) context.Out.MarkupLine(Markup.Escape($"Replies saved in {Path.GetFullPath(folder)}"));
            return ExitCodes.Ok;
        }
        catch (Exception e)
        {
            return PromptlyCommands.Fail(context, e, cancellationToken);
        }
    }

    /// <summary>Every answer at the socket's rate: <paramref name="requested"/>, else the first answer's when the server accepts it, else 16 kHz.</summary>
    internal static (IReadOnlyList<WavAudio> Answers, int Rate) ReadAnswers(IReadOnlyList<string> paths, int? requested)
    {
        if (paths.Count == 0) throw CommandException.Usage("Give at least one answer: --answers a1.wav [a2.wav …].");
        if (requested is { } r && !VoiceConnection.IsAccepted(r))
        {
            throw CommandException.Usage($"--sample-rate must be one of {string.Join(", ", VoiceConnection.AcceptedRates)}, not {r}.");
        }

        WavAudio[] answers;
        try
        {
            answers = [.. paths.Select(WavAudio.Read)];
        }
        catch (InvalidDataException e)
        {
            throw CommandException.Usage(e.Message);
        }

        var rate = requested ?? (VoiceConnection.IsAccepted(answers[0].SampleRate) ? answers[0].SampleRate : 16000);
        return ([.. answers.Select(a => a.ResampledTo(rate))], rate);
    }

    private static async Task<(string Id, string? Token)> StartSessionAsync(Uri server, string concept, CliContext context, CancellationToken cancellationToken)
    {
        using var http = (context.ServerHandler is { } handler ? new HttpClient(handler, disposeHandler: false) : new HttpClient()).Authorized(context.ApiKey);
        var driver = new InterviewDriver(http, server, concept, "promptly talk", TimeProvider.System);
        try
        {
            var (answer, session) = await driver.StartAsync(cancellationToken);
            if (session is not null) return (session.Id, session.Token ?? context.ApiKey);
            var why = $"The server refused to start an interview ({answer.Error}): {answer.Problem}";
            throw answer.Status is HttpStatusCode.BadRequest or HttpStatusCode.NotFound ? CommandException.Usage(why) : CommandException.Unavailable(why);
        }
        catch (HttpRequestException e)
        {
            throw CommandException.Unavailable($"The server at {server} could not be reached: {e.Message}", e);
        }
    }

    private static async Task<VoiceConnection> ConnectAsync(Uri server, string sessionId, string? bearer, CancellationToken cancellationToken)
    {
        try
        {
            return await VoiceConnection.ConnectAsync(server, sessionId, bearer, cancellationToken);
        }
        catch (VoiceConnectException e)
        {
            // The session was the user's to name: a wrong or ended one is a bad argument, not a broken server.
            throw e.Kind is "HTTP 404" or "HTTP 409" ? CommandException.Usage(e.Message) : CommandException.Unavailable(e.Message, e);
        }
    }
}
