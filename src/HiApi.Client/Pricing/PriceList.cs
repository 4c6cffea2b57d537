namespace HiApi.Client;

/// <summary>
/// HiAPI's public price list (<c>GET /api/pricing</c>), as far as this module understands it: the rows it can price
/// with, and the rows it cannot, with the reason. A row not understood prices nothing: no price is ever guessed.
/// </summary>
public sealed class PriceList
{
    private readonly Dictionary<string, ModelPrice> _byModel;
    private readonly Dictionary<string, PriceRowProblem> _problemByModel;

    internal PriceList(IReadOnlyList<ModelPrice> models, IReadOnlyList<PriceRowProblem> problems, int rowCount, Uri? source, DateTimeOffset retrievedAt)
    {
        Models = models;
        Problems = problems;
        RowCount = rowCount;
        Source = source;
        RetrievedAt = retrievedAt;
        _byModel = models.ToDictionary(model => model.Model, StringComparer.Ordinal);
        _problemByModel = new Dictionary<string, PriceRowProblem>(StringComparer.Ordinal);
        foreach (var problem in problems)
        {
            if (problem.Model is not null)
            {
                _problemByModel.TryAdd(problem.Model, problem);
            }
        }
    }

    /// <summary>The rows understood, in the list's order.</summary>
    public IReadOnlyList<ModelPrice> Models { get; }

    /// <summary>The rows not understood, in the list's order.</summary>
    public IReadOnlyList<PriceRowProblem> Problems { get; }

    /// <summary>How many rows the list holds, understood or not.</summary>
    public int RowCount { get; }

    public Uri? Source { get; }

    public DateTimeOffset RetrievedAt { get; }

    /// <summary>
    /// Reads a price list: rows as a JSON array, or under <c>data</c>. Throws <see cref="HiApiErrorKind.PriceUnknown"/>
    /// when the document holds no rows at all; a row that is not understood becomes a <see cref="PriceRowProblem"/>.
    /// </summary>
    public static PriceList Parse(ReadOnlySpan<byte> json, Uri? source, DateTimeOffset retrievedAt) =>
        PriceListParser.Parse(json, source, retrievedAt);

    /// <summary>The model's understood row; a <see cref="HiApiErrorKind.PriceUnknown"/> error saying why when there is none.</summary>
    public ModelPrice GetModel(string model) => TryGetModel(model, out var price, out var problem)
        ? price
        : throw new HiApiException(HiApiErrorKind.PriceUnknown, problem + ".");

    /// <summary>The model's understood row; false with the reason (no row, or a row not understood) otherwise.</summary>
    public bool TryGetModel(string model, out ModelPrice price, out string problem)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (_byModel.TryGetValue(model, out price!))
        {
            problem = null!;
            return true;
        }

        problem = _problemByModel.TryGetValue(model, out var rowProblem)
            ? $"HiAPI's price row for {model} is not understood: {rowProblem.Reason}"
            : $"HiAPI's price list has no row for {model}";
        return false;
    }
}
