using System.Globalization;

namespace HiApi.Client.Tests;

/// <summary>
/// -FileName templates: placeholders read from the row, then the task; formats in the invariant culture; values are
/// data, never folders; the result is one portable .mp4 name; and every name that cannot be made is an error naming the
/// task and what is missing, never a guess (issue 18).
/// </summary>
public sealed class FileNameTemplateTests
{
    private static HiApiTask Task(TaskRow? row = null, int? input = 3, string id = "tk-hiapi-01M8T2WWAYA230FX1Q5VZEMA5C") => new(id)
    {
        Status = HiApiTaskStatus.Success,
        Model = HiApiModels.TextToVideo,
        Request = new VideoRequest { Prompt = "a lighthouse at dawn", Duration = 3, Resolution = "720p" },
        Batch = "storyboard v3",
        InputNumber = input,
        Row = row,
        CreatedAt = new DateTimeOffset(2026, 5, 1, 14, 30, 5, TimeSpan.FromHours(2)),
    };

    private static TaskRow Row(params (string Name, string? Value)[] columns) =>
        TaskRow.From(columns.Select(column => new KeyValuePair<string, object?>(column.Name, column.Value)))!;

    private static string Name(string template, HiApiTask task) => FileNameTemplate.Parse(template).NameFor(task);

    [Fact]
    public void Placeholders_read_the_row_then_the_task_and_mp4_is_added()
    {
        var task = Task(Row(("Scene", "12"), ("Shot", "3"), ("Take", "2")));

        Assert.Equal("012-3-take2.mp4", Name("{Scene:000}-{shot}-take{Take}", task));
        Assert.Equal("003 storyboard v3 3s.mp4", Name("{InputNumber:000} {Batch} {Duration}s", task));
        Assert.Equal("scene-12.MP4", Name("scene-{Scene}.MP4", task));
        Assert.Equal("12.3.mp4", Name("{Scene}.{Shot}", task)); // '.3' is not .mp4: added
        Assert.Equal("{12}.mp4", Name("{{{Scene}}}", task));
    }

    [Fact]
    public void A_column_wins_over_a_task_field_of_the_same_name()
    {
        Assert.Equal("mine.mp4", Name("{Batch}", Task(Row(("Batch", "mine")))));
    }

    [Fact]
    public void Formats_and_times_are_the_same_in_every_culture_and_times_are_in_UTC()
    {
        var before = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = new CultureInfo("fr-FR");
        try
        {
            var task = Task(Row(("Length", "2.5")));

            Assert.Equal("2.50.mp4", Name("{Length:0.00}", task));
            Assert.Equal("20260501-123005.mp4", Name("{CreatedAt}", task));
            Assert.Equal("2026-05-01 12h30.mp4", Name("{CreatedAt:yyyy-MM-dd HH'h'mm}", task));
        }
        finally
        {
            CultureInfo.CurrentCulture = before;
        }
    }

    [Fact]
    public void A_value_is_data_its_separators_and_reserved_characters_never_make_a_path()
    {
        var task = Task(Row(("Scene", "../../etc/passwd"), ("Notes", "a\\b: c?")));

        Assert.Equal("___.._etc_passwd-a_b_ c_.mp4", Name("{Scene}-{Notes}", task));
        Assert.Equal("_CON.mp4", Name("{Name}", Task(Row(("Name", "CON")))));
    }

    [Theory]
    [InlineData("clips/{Scene}", "folder separator")]
    [InlineData("..\\{Scene}", "folder separator")]
    [InlineData("{Scene", "is never closed")]
    [InlineData("{Scene}}", "closes no placeholder")]
    [InlineData("take {}", "names nothing")]
    [InlineData("take {:000}", "names nothing")]
    public void A_template_that_cannot_be_read_is_refused_before_any_task(string template, string why)
    {
        var refused = Assert.Throws<HiApiException>(() => FileNameTemplate.Parse(template));

        Assert.Equal(HiApiErrorKind.InvalidFileName, refused.Kind);
        Assert.Contains(why, refused.Message);
        Assert.EndsWith("Nothing was saved.", refused.Message);
    }

    [Fact]
    public void A_placeholder_the_task_does_not_have_names_the_task_its_columns_and_the_task_fields()
    {
        var refused = Assert.Throws<HiApiException>(() => Name("{Scen}-{Shot}", Task(Row(("Scene", "12"), ("Shot", "3")))));

        Assert.Equal(HiApiErrorKind.InvalidFileName, refused.Kind);
        Assert.Equal("tk-hiapi-01M8T2WWAYA230FX1Q5VZEMA5C", refused.TaskId);
        Assert.StartsWith("-FileName '{Scen}-{Shot}' cannot name the file of task tk-hiapi-01M8T2WWAYA230FX1Q5VZEMA5C (input 3): {Scen} is neither", refused.Message);
        Assert.Contains("its row has Scene, Shot", refused.Message);
        Assert.Contains("a task has TaskId, InputNumber, Batch", refused.Message);
        Assert.Contains("the task has no row", Assert.Throws<HiApiException>(() => Name("{Scene}", Task())).Message);
    }

    [Fact]
    public void A_field_that_is_not_known_is_an_error_never_an_empty_or_guessed_part()
    {
        var refused = Assert.Throws<HiApiException>(() => Name("{InputNumber:000}", Task(input: null)));

        Assert.Contains("{InputNumber} is not known for it", refused.Message);
        Assert.StartsWith("-FileName '{InputNumber:000}' cannot name the file of task tk-hiapi-01M8T2WWAYA230FX1Q5VZEMA5C: ", refused.Message);
    }

    [Fact]
    public void A_number_format_on_text_that_is_not_a_number_is_an_error()
    {
        var refused = Assert.Throws<HiApiException>(() => Name("{Scene:000}", Task(Row(("Scene", "twelve")))));

        Assert.Contains("the row's Scene is 'twelve', not a number, so the format '000' cannot apply", refused.Message);
    }

    [Fact]
    public void A_name_made_only_of_blank_cells_is_refused()
    {
        var refused = Assert.Throws<HiApiException>(() => Name("{Notes}", Task(Row(("Notes", "")))));

        Assert.Contains("it gave an empty name", refused.Message);
    }
}
