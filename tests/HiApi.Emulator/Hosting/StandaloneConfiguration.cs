using Microsoft.Extensions.Configuration;

namespace HiApi.Emulator.Hosting;

/// <summary>
/// Reads the standalone program's arguments: <c>--urls</c>, any <c>--Emulator:X=Y</c>, and optionally
/// <c>--Emulator:ConfigFile=path.json</c> (an <see cref="EmulatorOptions"/> object; command-line values win).
/// Unknown option names are errors, so a typo cannot silently leave a default in place.
/// </summary>
internal static class StandaloneConfiguration
{
    public const string DefaultUrl = "http://127.0.0.1:0";
    private const string ConfigFileKey = "ConfigFile";

    public static (EmulatorOptions Options, string Urls) Load(string[] args)
    {
        var commandLine = new ConfigurationBuilder().AddCommandLine(args).Build();
        var urls = commandLine["urls"] ?? DefaultUrl;
        var options = new EmulatorOptions();
        var section = commandLine.GetSection("Emulator");

        if (section[ConfigFileKey] is { Length: > 0 } file)
        {
            var fromFile = new ConfigurationBuilder().AddJsonFile(Path.GetFullPath(file), optional: false).Build();
            Bind(fromFile, options);
        }
        Bind(section, options);
        return (options, urls);
    }

    private static void Bind(IConfiguration source, EmulatorOptions options)
    {
        // The binder appends to existing lists; a configured key list replaces the defaults instead.
        if (source.GetSection(nameof(EmulatorOptions.ApiKeys)).Exists())
        {
            options.ApiKeys = [];
        }

        var values = source.AsEnumerable(makePathsRelative: true)
            .Where(pair => pair.Value is not null && !string.Equals(pair.Key, ConfigFileKey, StringComparison.OrdinalIgnoreCase));
        var filtered = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        filtered.Bind(options, binder => binder.ErrorOnUnknownConfiguration = true);
    }
}
