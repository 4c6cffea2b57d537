namespace HiApi.Client.Tests;

/// <summary>
/// Every message, warning, verbose line, redaction marker and view the module writes comes from its sources, and
/// text that leaves the console (a redirected stream, a log, a scheduled task's output) is written on Windows in the
/// console's code page, where a Unicode ellipsis, multiplication sign or middle dot becomes '?'. So the sources are
/// ASCII, comments included, which keeps the rule one simple check: write "...", "x" and "|".
/// </summary>
public sealed class AsciiSourceTests
{
    [Fact]
    public void EverySourceFileOfTheModule_IsAscii()
    {
        var source = Path.Combine(RepositoryRoot(), "src");
        var files = Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories)
            .Where(file => file.EndsWith(".cs", StringComparison.Ordinal) || file.EndsWith(".ps1xml", StringComparison.Ordinal) || file.EndsWith(".psd1", StringComparison.Ordinal))
            .Where(file => !file.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !file.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .ToList();

        var offenders = new List<string>();
        foreach (var file in files)
        {
            var lines = File.ReadAllLines(file);
            for (var i = 0; i < lines.Length; i++)
            {
                if (lines[i].FirstOrDefault(character => character > '\x7f') is var c and not '\0')
                {
                    offenders.Add($"{Path.GetRelativePath(source, file)}:{i + 1}: U+{(int)c:X4}");
                }
            }
        }

        Assert.True(files.Count > 50, $"only {files.Count} source files found under {source}");
        Assert.True(offenders.Count == 0, "non-ASCII characters in the sources: " + string.Join("; ", offenders));
    }

    [Fact]
    public void TheRedactionMarker_AndTheKeysText_AreAscii()
    {
        var key = new ApiKey("sk-live-0123456789abcdef");

        Assert.Equal("ApiKey(sk-...redacted)", key.ToString());
        Assert.Equal("echo sk-...redacted", key.Redactor.Redact("echo sk-live-0123456789abcdef"));
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "HiApiPS.sln")))
            {
                return directory.FullName;
            }
        }

        throw new DirectoryNotFoundException("HiApiPS.sln not found above " + AppContext.BaseDirectory);
    }
}
