namespace HiApi.Mock.Api;

/// <summary>
/// <c>?page=&amp;size=</c> of the listing: 1 and 20 when absent, <c>page &gt;= 1</c>, <c>1 &lt;= size &lt;= 100</c>.
/// Every problem in one 400 message, page before size, in the emulator's words.
/// </summary>
internal sealed record PageQuery(long Page, int Size)
{
    public const int MaxSize = 100;

    public static PageQuery? TryParse(Dictionary<string, List<string>> query, out string problem)
    {
        var errors = new List<string>();
        var page = Read(query, "page", 1, long.MaxValue, errors);
        var size = Read(query, "size", 20, MaxSize, errors);
        problem = errors.Count > 0 ? "invalid request: " + string.Join("; ", errors) : "";
        return errors.Count > 0 ? null : new PageQuery(page, (int)size);
    }

    /// <summary>How many tasks come before this page (saturating for absurd pages).</summary>
    public long Offset => (Page - 1) > long.MaxValue / Size ? long.MaxValue : (Page - 1) * Size;

    private static long Read(Dictionary<string, List<string>> query, string name, long fallback, long maximum, List<string> errors)
    {
        if (!query.TryGetValue(name, out var values))
        {
            return fallback;
        }

        if (values.Count != 1)
        {
            errors.Add($"{name}: value must be given once");
            return fallback;
        }

        var text = values[0];
        if (!long.TryParse(text, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var value))
        {
            errors.Add($"{name}: value must be an integer");
            return fallback;
        }

        if (value < 1)
        {
            errors.Add($"{name}: minimum: got {text}, want 1");
        }
        else if (value > maximum)
        {
            errors.Add($"{name}: maximum: got {text}, want {maximum}");
        }

        return value;
    }
}
