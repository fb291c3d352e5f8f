namespace Promptly.Tests.Support;

/// <summary>Files of the repository the tests were built from (deploy/, …), found upwards from the test assembly.</summary>
internal static class Repository
{
    public static string Root()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            // .git is a file in a worktree.
            if (File.Exists(Path.Combine(dir.FullName, "Promptly.slnx")) || Path.Exists(Path.Combine(dir.FullName, ".git"))) return dir.FullName;
        }

        throw new InvalidOperationException($"No Promptly.slnx or .git above {AppContext.BaseDirectory}.");
    }
}
