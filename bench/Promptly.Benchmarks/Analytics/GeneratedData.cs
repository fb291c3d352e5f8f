using System.Text.Json;

namespace Promptly.Benchmarks.Analytics;

/// <summary>
/// What <c>generate</c> wrote, kept beside the database: <c>verify</c> and the query benchmarks read the clock of the
/// generation from it, so they answer the same windows whatever day they run.
/// </summary>
internal sealed record GeneratedData(long Responses, int Days, int Seed, DateTimeOffset Now)
{
    public const string DefaultFolder = "/tmp/promptly-analytics";
    public const string FolderVariable = "PROMPTLY_ANALYTICS_DATA";
    private const string FileName = "generated.json";

    /// <summary><paramref name="given"/>, else <c>$PROMPTLY_ANALYTICS_DATA</c>, else <see cref="DefaultFolder"/>.</summary>
    public static string Folder(string? given) => Path.GetFullPath(given ?? Environment.GetEnvironmentVariable(FolderVariable) ?? DefaultFolder);

    /// <exception cref="InvalidOperationException">No generated database in <paramref name="folder"/>.</exception>
    public static GeneratedData Read(string folder)
    {
        var path = Path.Combine(folder, FileName);
        if (!File.Exists(path) || !File.Exists(Path.Combine(folder, "promptly.db")))
        {
            throw new InvalidOperationException(
                $"No generated analytics database in {folder}: run `dotnet run -c Release --project bench/Promptly.Benchmarks -- generate --data {folder}` first " +
                $"(or point {FolderVariable} at the folder it wrote).");
        }

        return JsonSerializer.Deserialize<GeneratedData>(File.ReadAllText(path))
            ?? throw new InvalidOperationException($"{path} is empty: run generate again.");
    }

    public void Write(string folder) => File.WriteAllText(Path.Combine(folder, FileName), JsonSerializer.Serialize(this));

    /// <summary>A clock stopped at the generation's "now".</summary>
    public TimeProvider Clock => new FixedClock(Now);

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
