using System.CommandLine;
using Promptly.Load;
using Promptly.Load.Voice;

namespace Promptly.Cli;

/// <summary>
/// <c>promptly voice-load URL --streams N --answers a.wav …</c>: N concurrent voice interviews, each streaming its answers
/// in real time (<see cref="VoiceLoad"/>), then the server's latency records per phase, the client's view, errors,
/// and the CPU and memory of both sides.
/// </summary>
internal sealed class VoiceLoadCommand
{
    public const string Name = "voice-load";

    private const int Rate = 16000;
    private const int MaxStreams = 5000;

    private readonly Argument<string> _url = new("url") { Description = "The server, e.g. http://127.0.0.1:5080." };
    private readonly Option<int> _streams = new("--streams") { Description = "Concurrent voice interviews.", HelpName = "N", DefaultValueFactory = _ => 10 };
    private readonly Option<string[]> _answers = new("--answers")
    {
        Description = "Answers each stream speaks in turn, PCM16 mono WAV (resampled to 16 kHz on the client when at another rate).",
        HelpName = "WAV",
        Required = true,
        AllowMultipleArgumentsPerToken = true,
    };
    private readonly Option<string> _duration = new("--duration") { Description = "The measured window, after the ramp-up.", HelpName = "TIME", DefaultValueFactory = _ => "30s" };
    private readonly Option<string> _rampUp = new("--ramp-up") { Description = "The streams start evenly over this; its records are not measured.", HelpName = "TIME", DefaultValueFactory = _ => "5s" };
    private readonly Option<int> _silence = new("--silence-ms") { Description = "The server's Voice:SilenceMs, to report what eot_wait adds to it.", HelpName = "MS", DefaultValueFactory = _ => 800 };
    private readonly Option<int> _pause = new("--pause-ms") { Description = "Silence after each reply before the next answer.", HelpName = "MS", DefaultValueFactory = _ => 300 };
    private readonly Option<string> _concept = new("--concept") { Description = "The guide of the interviews.", HelpName = "ID", DefaultValueFactory = _ => InterviewDriver.DefaultConcept };
    private readonly Option<int?> _serverPid = new("--server-pid") { Description = "The server's process id: report its CPU time and memory from /proc.", HelpName = "PID" };

    /// <summary>The <c>voice-load</c> command, writing to <paramref name="context"/>.</summary>
    public static Command Create(CliContext context) => new VoiceLoadCommand().Build(context);

    private Command Build(CliContext context)
    {
        var command = new Command(Name, "Run N concurrent voice interviews streaming real-time audio and report the server's latency per phase.")
        {
            _url, _streams, _answers, _duration, _rampUp, _silence, _pause, _concept, _serverPid,
        };
        command.SetAction((parse, token) => ExecuteAsync(parse, context, token));
        return command;
    }

    private async Task<int> ExecuteAsync(ParseResult parse, CliContext context, CancellationToken cancellationToken)
    {
        try
        {
            var settings = Read(parse);
            using var http = (context.ServerHandler is { } handler ? new HttpClient(handler, disposeHandler: false) : new HttpClient()).Authorized(context.ApiKey);
            var output = context.Out.Profile.Out.Writer;
            var result = await VoiceLoad.RunAsync(settings, http, TimeProvider.System, output.WriteLine, cancellationToken);
            foreach (var line in VoiceLoadReport.Lines(result)) output.WriteLine(line);
            return result.Figures.ResponseTime.Count > 0 ? ExitCodes.Ok : ExitCodes.Unavailable;
        }
        catch (Exception e)
        {
            return PromptlyCommands.Fail(context, e, cancellationToken);
        }
    }

    private VoiceLoadSettings Read(ParseResult parse)
    {
        var url = parse.GetValue(_url);
        var server = ServerUrl.Parse(url) ?? throw CommandException.Usage($"The URL must be http(s), such as http://127.0.0.1:5080, not '{url}'.");
        var streams = parse.GetValue(_streams);
        if (streams is < 1 or > MaxStreams) throw CommandException.Usage($"--streams must be from 1 to {MaxStreams:#,0}, not {streams}.");
        var duration = LoadPhase.ParseDuration(parse.GetValue(_duration)!, "--duration");
        var rampUp = LoadPhase.ParseDuration(parse.GetValue(_rampUp)!, "--ramp-up");
        if (duration <= TimeSpan.Zero || duration > LoadPhase.MaxTotalDuration) throw CommandException.Usage("--duration must be more than 0 and at most 1h.");
        if (rampUp < TimeSpan.Zero || rampUp > TimeSpan.FromMinutes(5)) throw CommandException.Usage("--ramp-up must be from 0 to 5m.");
        var silence = parse.GetValue(_silence);
        if (silence is < 100 or > 10_000) throw CommandException.Usage($"--silence-ms must be from 100 to 10000 (the server's Voice:SilenceMs range), not {silence}.");
        var pause = parse.GetValue(_pause);
        if (pause is < 0 or > 60_000) throw CommandException.Usage($"--pause-ms must be from 0 to 60000, not {pause}.");
        var (answers, _) = TalkCommand.ReadAnswers(parse.GetValue(_answers) ?? [], Rate);
        return new VoiceLoadSettings(server, streams, answers, duration, rampUp, silence, pause, parse.GetValue(_concept)!, parse.GetValue(_serverPid));
    }
}
