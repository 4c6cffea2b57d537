namespace HiApi.Bench.Reporting;

/// <summary>What one measurement contributes to the report: its table lines and the notes that say how they were taken.</summary>
internal sealed record RowGroup(IReadOnlyList<ResultRow> Rows, IReadOnlyList<string> Notes);
