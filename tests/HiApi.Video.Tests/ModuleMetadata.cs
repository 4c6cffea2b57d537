using System.Reflection;
using System.Runtime.InteropServices;

namespace HiApi.Video.Tests;

/// <summary>
/// The compiled module opened for inspection only. MetadataLoadContext reads attributes as data, so the
/// tests see exactly what PowerShell's binder will see, without a PowerShell host.
/// </summary>
public sealed class ModuleMetadata : IDisposable
{
    private readonly MetadataLoadContext _context;

    public ModuleMetadata()
    {
        RepositoryRoot = ReadMetadata("RepositoryRoot");
        ModuleDirectory = Path.Combine(RepositoryRoot, "bin");
        var moduleAssembly = Path.Combine(ModuleDirectory, "HiApi.Video.dll");
        if (!File.Exists(moduleAssembly))
        {
            throw new InvalidOperationException($"{moduleAssembly} is missing: build src/HiApi.Video first.");
        }

        var powerShell = Path.Combine(ReadMetadata("PowerShellStandardPackage"), "lib", "netstandard2.0", "System.Management.Automation.dll");
        var runtime = Directory.GetFiles(RuntimeEnvironment.GetRuntimeDirectory(), "*.dll");
        var resolver = new PathAssemblyResolver(runtime
            .Append(powerShell)
            .Append(moduleAssembly)
            .Append(Path.Combine(ModuleDirectory, "HiApi.Client.dll"))
            .Append(Path.Combine(ModuleDirectory, "HiApi.Mock.dll")));
        _context = new MetadataLoadContext(resolver, "System.Private.CoreLib");
        Module = _context.LoadFromAssemblyPath(moduleAssembly);
        Client = _context.LoadFromAssemblyName("HiApi.Client");
    }

    public string RepositoryRoot { get; }

    public string ModuleDirectory { get; }

    public Assembly Module { get; }

    public Assembly Client { get; }

    public IReadOnlyList<Type> CmdletTypes => Module.GetTypes()
        .Where(type => type.IsPublic && !type.IsAbstract && type.GetCustomAttributesData().Any(IsCmdletAttribute))
        .ToList();

    /// <summary>The cmdlets that talk to HiAPI (all but Start-HiApiMock and Stop-HiApiMock): they share HiApiCommandBase.</summary>
    public IReadOnlyList<Type> ApiCmdletTypes => CmdletTypes
        .Where(type => Ancestors(type).Any(ancestor => ancestor.FullName == "HiApi.Video.Commands.HiApiCommandBase"))
        .ToList();

    private static IEnumerable<Type> Ancestors(Type type)
    {
        for (var current = type.BaseType; current is not null; current = current.BaseType)
        {
            yield return current;
        }
    }

    /// <summary>"New-HiApiVideoTask" from [Cmdlet("New", "HiApiVideoTask")].</summary>
    public static string CmdletName(Type type)
    {
        var attribute = type.GetCustomAttributesData().Single(IsCmdletAttribute);
        return $"{attribute.ConstructorArguments[0].Value}-{attribute.ConstructorArguments[1].Value}";
    }

    public Type Cmdlet(string name) => CmdletTypes.Single(type => CmdletName(type) == name);

    public static CustomAttributeData CmdletAttribute(Type type) => type.GetCustomAttributesData().Single(IsCmdletAttribute);

    public static T? NamedArgument<T>(CustomAttributeData attribute, string name)
    {
        // A default CustomAttributeNamedArgument throws on MemberName, so look before taking.
        var matches = attribute.NamedArguments.Where(a => a.MemberName == name).ToList();
        return matches.Count == 0 ? default : (T?)matches[0].TypedValue.Value;
    }

    public void Dispose() => _context.Dispose();

    private static bool IsCmdletAttribute(CustomAttributeData attribute)
        => attribute.AttributeType.FullName == "System.Management.Automation.CmdletAttribute";

    private static string ReadMetadata(string key)
        => typeof(ModuleMetadata).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value
           ?? throw new InvalidOperationException($"Assembly metadata {key} is missing.");
}
