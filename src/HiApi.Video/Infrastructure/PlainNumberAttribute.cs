using System.Management.Automation;
using HiApi.Client;

namespace HiApi.Video.Infrastructure;

/// <summary>
/// Reads a number given as text by <see cref="PlainNumber"/>'s one rule (the one HIAPI_MAX_COST_USD follows), before
/// PowerShell converts it: PowerShell reads <c>'0,05'</c> with the invariant culture, where ',' separates thousands, so
/// <c>-MaxCostUsd '0,05'</c> would be a budget of 5 dollars, 100 times what a user writing a decimal comma meant. A
/// number typed as a number (<c>0.05</c>, <c>1MB</c>) is left to the binder as usual; the parameter keeps its own type,
/// so help and tab completion still show it. Unquoted, <c>0,05</c> is a list of two numbers: refused with the same advice.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class PlainNumberAttribute : ArgumentTransformationAttribute
{
    /// <summary>Whether the parameter takes only whole numbers (a byte count): "1024.5" is refused, not rounded.</summary>
    public bool Whole { get; set; }

    public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData)
    {
        var value = inputData is PSObject wrapped ? wrapped.BaseObject : inputData;
        if (value is object[] { Length: > 1 } list)
        {
            throw new ArgumentTransformationMetadataException(
                $"{list.Length} values were given, not one number: a comma separates values in PowerShell, it is not a decimal point. " +
                $"Write {PlainNumber.Rule}.");
        }

        if (value is not string text)
        {
            return inputData;
        }

        if (!PlainNumber.TryParse(text, out var number))
        {
            throw new ArgumentTransformationMetadataException(
                $"'{TextPreview.Shorten(text, 43)}' is not a number this module reads: write {PlainNumber.Rule}. It is read the same in every culture.");
        }

        if (Whole && number != decimal.Truncate(number))
        {
            throw new ArgumentTransformationMetadataException($"'{TextPreview.Shorten(text, 43)}' is not a whole number.");
        }

        return number;
    }
}
