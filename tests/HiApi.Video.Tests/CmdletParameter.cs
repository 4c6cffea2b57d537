using System.Reflection;

namespace HiApi.Video.Tests;

/// <summary>One cmdlet parameter as PowerShell's binder reads it from the attributes.</summary>
public sealed class CmdletParameter
{
    private CmdletParameter(PropertyInfo property)
    {
        Property = property;
        Attributes = property.GetCustomAttributesData();
    }

    public PropertyInfo Property { get; }

    public IList<CustomAttributeData> Attributes { get; }

    public string Name => Property.Name;

    public string TypeName => Property.PropertyType.FullName!;

    /// <summary>Each [Parameter] attribute, keyed by its parameter set ("__AllParameterSets" when none is named).</summary>
    public IReadOnlyDictionary<string, CustomAttributeData> Sets => Attributes
        .Where(a => a.AttributeType.FullName == "System.Management.Automation.ParameterAttribute")
        .ToDictionary(a => ModuleMetadata.NamedArgument<string>(a, "ParameterSetName") ?? "__AllParameterSets");

    public bool Flag(string set, string name) => ModuleMetadata.NamedArgument<bool>(Sets[set], name);

    public int? Position(string set) => ModuleMetadata.NamedArgument<int?>(Sets[set], "Position");

    public IReadOnlyList<string> ValidateSet => StringArguments("System.Management.Automation.ValidateSetAttribute");

    public IReadOnlyList<string> Aliases => StringArguments("System.Management.Automation.AliasAttribute");

    public (object Min, object Max)? ValidateRange
    {
        get
        {
            var range = Attributes.SingleOrDefault(a => a.AttributeType.FullName == "System.Management.Automation.ValidateRangeAttribute");
            return range is null ? null : (range.ConstructorArguments[0].Value!, range.ConstructorArguments[1].Value!);
        }
    }

    public bool Has(string attributeFullName) => Attributes.Any(a => a.AttributeType.FullName == attributeFullName);

    public static IReadOnlyDictionary<string, CmdletParameter> Of(Type cmdlet) => cmdlet
        .GetProperties(BindingFlags.Public | BindingFlags.Instance)
        .Where(p => p.GetCustomAttributesData().Any(a => a.AttributeType.FullName == "System.Management.Automation.ParameterAttribute"))
        .ToDictionary(p => p.Name, p => new CmdletParameter(p));

    private IReadOnlyList<string> StringArguments(string attributeFullName)
    {
        var attribute = Attributes.SingleOrDefault(a => a.AttributeType.FullName == attributeFullName);
        if (attribute is null)
        {
            return Array.Empty<string>();
        }

        // params string[] arrives as one argument holding a collection of typed values.
        return ((IEnumerable<CustomAttributeTypedArgument>)attribute.ConstructorArguments[0].Value!)
            .Select(v => (string)v.Value!)
            .ToList();
    }
}
