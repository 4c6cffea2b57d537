using System.Management.Automation;
using System.Security;

namespace HiApi.Video.Infrastructure;

/// <summary>
/// Lets -ApiKey take a plain string as well as a SecureString, as other AI modules do: a string typed at the prompt or
/// kept in a variable is less safe (it stays readable in memory and may land in history), so the help recommends a
/// SecureString or Get-Secret. The string is copied into a read-only SecureString at once.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class SecureStringTransformationAttribute : ArgumentTransformationAttribute
{
    public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData)
    {
        var value = inputData is PSObject wrapped ? wrapped.BaseObject : inputData;
        if (value is not string text)
        {
            return inputData;
        }

        var secure = new SecureString();
        foreach (var c in text)
        {
            secure.AppendChar(c);
        }

        secure.MakeReadOnly();
        return secure;
    }
}
