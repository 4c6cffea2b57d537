using System.Management.Automation;
using HiApi.Client;

namespace HiApi.Video.Infrastructure;

/// <summary>
/// Stops PowerShell from rounding or reinterpreting a duration given on the command line: <c>-Duration 3.5</c> (a
/// number that is not whole) and <c>-Duration '1e1'</c> (text) would become 4 and 10; here they are parsed as strictly as
/// a piped row's cell and refused with the API's words. A number the shell itself reads as a whole number (<c>10</c>,
/// <c>1e1</c> or <c>0x0A</c> unquoted) is an integer, as JSON Schema counts 10.0, and passes to the range check.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class StrictIntegerAttribute : ArgumentTransformationAttribute
{
    public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData)
    {
        var value = inputData is PSObject wrapped ? wrapped.BaseObject : inputData;
        if (!RequestFieldParser.TryParseDuration(value, out var seconds, out var error))
        {
            throw new ArgumentTransformationMetadataException($"{RequestValidator.InputPrefix}{error}");
        }

        return seconds;
    }
}
