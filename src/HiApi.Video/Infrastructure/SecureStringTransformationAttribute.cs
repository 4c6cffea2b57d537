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
        if (LinesOf(value) is { } lines)
        {
            // (Get-Content key.txt) is an array of lines: joined, the key's own rules apply (white space at the ends
            // is trimmed, a line break inside is refused), instead of a binding error about System.Object[].
            value = string.Join('\n', lines);
        }

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

    /// <summary>The strings of an array whose every item is a string; null for anything else.</summary>
    private static string[]? LinesOf(object? value)
    {
        if (value is not object[] items)
        {
            return null;
        }

        var lines = new string[items.Length];
        for (var i = 0; i < items.Length; i++)
        {
            if ((items[i] is PSObject wrapped ? wrapped.BaseObject : items[i]) is not string line)
            {
                return null;
            }

            lines[i] = line;
        }

        return lines;
    }
}
