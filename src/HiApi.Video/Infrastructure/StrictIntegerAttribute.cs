using System.Management.Automation;
using HiApi.Client;

namespace HiApi.Video.Infrastructure;

/// <summary>
/// Stops PowerShell from rounding or reinterpreting a duration typed on the command line (<c>-Duration 3.5</c> would
/// become 4, <c>-Duration 1e1</c> 10): the value is parsed as strictly as a piped row's cell, and anything that is not
/// an integer is refused with the API's words. Integers pass through to the range check.
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
