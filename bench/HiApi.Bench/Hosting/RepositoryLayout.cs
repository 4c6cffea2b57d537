using System.Reflection;

namespace HiApi.Bench.Hosting;

/// <summary>Where things are in the clone: found from the harness's own location, never from the current directory.</summary>
internal static class RepositoryLayout
{
    private const string SolutionFile = "HiApiPS.sln";

    public static string Root { get; } = FindRoot();

    /// <summary>Debug or Release: the emulator is built beside the harness in the same configuration.</summary>
    public static string Configuration { get; } =
        typeof(RepositoryLayout).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "HiApi.Bench.Configuration")?.Value ?? "Release";

    public static string EmulatorProject => Path.Combine(Root, "tests", "HiApi.Emulator", "HiApi.Emulator.csproj");

    public static string EmulatorAssembly =>
        Path.Combine(Root, "tests", "HiApi.Emulator", "bin", Configuration, "net10.0", "HiApi.Emulator.dll");

    public static string Resolve(string path) => Path.GetFullPath(Path.IsPathRooted(path) ? path : Path.Combine(Root, path));

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, SolutionFile)))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException(
            $"Cannot find {SolutionFile} above {AppContext.BaseDirectory}; run the harness from a clone of the repository.");
    }
}
