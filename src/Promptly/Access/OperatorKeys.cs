using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Promptly.Storage;

namespace Promptly.Access;

/// <summary>
/// The operators' API keys, held only as SHA-256 hashes and compared in constant time. With none configured, a fresh
/// install is still secure: a key is generated at the first start and kept in a file only its owner may read, whose
/// path (never the key) is logged.
/// </summary>
internal sealed partial class OperatorKeys
{
    private const string Prefix = "pk_";
    private readonly byte[][] _hashes;
    private readonly ClaimsPrincipal[] _operators;

    public OperatorKeys(IOptions<AccessOptions> options, IConfiguration configuration, ILogger<OperatorKeys> logger)
    {
        var configured = options.Value.OperatorKeys.Where(k => !string.IsNullOrWhiteSpace(k)).Select(k => k.Trim()).ToList();
        if (configured.Count == 0)
        {
            var file = Path.GetFullPath(options.Value.KeyFile ?? Path.Combine(DataFolders.Of(configuration), "operator.key"));
            configured.Add(ReadOrCreate(file, out var created));
            if (created) LogGenerated(logger, file);
            else LogKeptKey(logger, file);
        }

        _hashes = [.. configured.Select(k => SHA256.HashData(Encoding.UTF8.GetBytes(k)))];
        // One caller per key, made once: every request with it is the same operator, and building it per request
        // was most of what authenticating a turn allocated.
        _operators = [.. _hashes.Select(h => Callers.Operator(Convert.ToHexStringLower(h.AsSpan(0, 4))))];
    }

    /// <summary>The operator the key <paramref name="presented"/> belongs to, or null when it is none of the keys.</summary>
    public ClaimsPrincipal? Match(string presented)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        var bytes = Encoding.UTF8.GetByteCount(presented) <= 512 ? stackalloc byte[512] : new byte[Encoding.UTF8.GetByteCount(presented)];
        SHA256.HashData(bytes[..Encoding.UTF8.GetBytes(presented, bytes)], hash);
        var found = -1;
        // Every key is compared, in constant time, so the time taken says nothing about which compared how far.
        for (var i = 0; i < _hashes.Length; i++)
        {
            if (CryptographicOperations.FixedTimeEquals(hash, _hashes[i])) found = i;
        }

        return found < 0 ? null : _operators[found];
    }

    private static string ReadOrCreate(string file, out bool created)
    {
        created = false;
        if (File.Exists(file))
        {
            var kept = File.ReadAllText(file).Trim();
            if (kept.Length > 0) return kept;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        var key = Prefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var owner = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows()) owner.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using (var stream = new FileStream(file, owner))
        using (var writer = new StreamWriter(stream))
        {
            writer.WriteLine(key);
        }

        created = true;
        return key;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "No Auth:OperatorKeys configured: generated an operator key and stored it in {KeyFile} (readable by this user only). Send it as 'Authorization: Bearer <key>'.")]
    private static partial void LogGenerated(ILogger logger, string keyFile);

    [LoggerMessage(Level = LogLevel.Information, Message = "No Auth:OperatorKeys configured: using the operator key stored in {KeyFile}.")]
    private static partial void LogKeptKey(ILogger logger, string keyFile);
}
