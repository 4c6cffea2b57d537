namespace HiApi.Client;

/// <summary>
/// A row of the price list that this module does not understand, so it prices nothing: an unknown operator or factor,
/// a missing or zero price, a model listed twice. <see cref="Model"/> is null when the row does not name one.
/// </summary>
/// <param name="Model">The row's <c>model_name</c>, when it has one.</param>
/// <param name="Row">The row's position in the list, from 1.</param>
/// <param name="Reason">What is not understood, in words.</param>
public sealed record PriceRowProblem(string? Model, int Row, string Reason)
{
    public override string ToString() => Model is null ? $"Row {Row}: {Reason}" : $"{Model} (row {Row}): {Reason}";
}
