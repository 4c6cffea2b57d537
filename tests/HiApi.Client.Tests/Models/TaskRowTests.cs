using System.Globalization;

namespace HiApi.Client.Tests;

/// <summary>
/// The rest of a row travels with its task as text, in the row's order, and bounded: what cannot be kept as it is
/// (a list, bytes, a value too long, past the count or size) is said, never silently altered (issue 18).
/// </summary>
public sealed class TaskRowTests
{
    private static KeyValuePair<string, object?> P(string name, object? value) => new(name, value);

    [Fact]
    public void Keeps_the_columns_in_the_rows_order_as_text()
    {
        var row = TaskRow.From([P("Scene", "12"), P("Shot", "3"), P("Notes", "")])!;

        Assert.Equal(["Scene", "Shot", "Notes"], row.Keys);
        Assert.Equal("12", row["scene"]); // names in any case, as PowerShell reads them
        Assert.Equal("", row["Notes"]);
        Assert.Equal("Scene=12; Shot=3; Notes=", row.ToString());
    }

    [Fact]
    public void Numbers_truth_and_dates_are_kept_as_invariant_text_whatever_the_culture()
    {
        var before = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = new CultureInfo("de-DE");
        try
        {
            var row = TaskRow.From([
                P("Take", 2), P("Ratio", 2.5), P("Price", 1.25m), P("Final", true),
                P("Shot", new DateTimeOffset(2026, 5, 1, 12, 30, 0, TimeSpan.FromHours(2))), P("Empty", null),
            ])!;

            Assert.Equal("2", row["Take"]);
            Assert.Equal("2.5", row["Ratio"]);
            Assert.Equal("1.25", row["Price"]);
            Assert.Equal("True", row["Final"]);
            Assert.Equal("2026-05-01T12:30:00.0000000+02:00", row["Shot"]);
            Assert.Null(row["Empty"]);
        }
        finally
        {
            CultureInfo.CurrentCulture = before;
        }
    }

    [Fact]
    public void A_value_that_is_not_text_a_number_or_a_date_is_dropped_and_said()
    {
        var problems = new List<TaskRowProblem>();

        var row = TaskRow.From([P("Scene", "1"), P("Clip", new byte[] { 1, 2 }), P("Tags", new[] { "a", "b" }), P("Meta", new Dictionary<string, int>())], problems)!;

        Assert.Equal(["Scene"], row.Keys);
        Assert.Equal(["Clip", "Tags", "Meta"], problems.Select(problem => problem.Name));
        Assert.Contains("(a Byte[]) is not text, a number, true/false or a date, so it is not kept", problems[0].Problem);
    }

    [Fact]
    public void A_value_too_long_keeps_its_start_and_ends_in_the_marker_never_half_a_character()
    {
        var problems = new List<TaskRowProblem>();
        var emoji = "\U0001F3AC"; // two UTF-16 code units
        var text = new string('x', TaskRow.MaxValueLength - TaskRow.TruncationMarker.Length - 1) + emoji + "tail";

        var row = TaskRow.From([P("Notes", text)], problems)!;

        Assert.Equal(TaskRow.MaxValueLength - 1, row["Notes"]!.Length);
        Assert.EndsWith("x" + TaskRow.TruncationMarker, row["Notes"]);
        Assert.Contains("longer than 1000 characters", Assert.Single(problems).Problem);
        Assert.Equal("x", TaskRow.From([P("Notes", "x")])!["Notes"]);
    }

    [Fact]
    public void At_most_64_properties_and_8192_bytes_are_kept_and_the_rest_is_said()
    {
        var problems = new List<TaskRowProblem>();
        var many = TaskRow.From(Enumerable.Range(1, 70).Select(i => P($"C{i}", "v")), problems)!;
        Assert.Equal(TaskRow.MaxProperties, many.Count);
        Assert.Equal(6, problems.Count);
        Assert.Equal("C65", problems[0].Name);

        problems.Clear();
        var big = TaskRow.From(Enumerable.Range(1, 10).Select(i => P($"N{i}", new string('y', 999))), problems)!;
        Assert.Equal(8, big.Count); // 8 x (2 + 999) bytes fit in 8192, a ninth would not
        Assert.True(big.Sum(pair => pair.Key.Length + pair.Value!.Length) <= TaskRow.MaxTotalBytes);
        Assert.Equal(["N9", "N10"], problems.Select(problem => problem.Name));
    }

    [Fact]
    public void A_name_given_twice_keeps_the_first_and_an_empty_row_is_no_row()
    {
        var problems = new List<TaskRowProblem>();
        var row = TaskRow.From([P("Scene", "1"), P("SCENE", "2"), P(" ", "3")], problems)!;

        Assert.Equal("1", Assert.Single(row).Value);
        Assert.Equal(2, problems.Count);
        Assert.Null(TaskRow.From([]));
    }

    [Fact]
    public void Rows_are_the_same_when_names_any_case_values_and_order_are()
    {
        var row = TaskRow.From([P("Scene", "1"), P("Notes", "wide")])!;

        Assert.True(row.SameAs(TaskRow.From([P("scene", "1"), P("notes", "wide")])));
        Assert.False(row.SameAs(TaskRow.From([P("Scene", "1"), P("Notes", "close")])));
        Assert.False(row.SameAs(TaskRow.From([P("Notes", "wide"), P("Scene", "1")])));
        Assert.False(row.SameAs(null));
    }
}
