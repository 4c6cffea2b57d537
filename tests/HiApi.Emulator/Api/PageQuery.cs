using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace HiApi.Emulator.Api;

/// <summary>
/// <c>?page=&amp;size=</c> of the task listing: page 1 and size 20 when absent, <c>page &gt;= 1</c>,
/// <c>1 &lt;= size &lt;= 100</c>. Problems come back in one 400 message in the validator's wording, page before size.
/// </summary>
internal sealed record PageQuery(long Page, int Size)
{
    public const long DefaultPage = 1;
    public const int DefaultSize = 20;
    public const int MaxSize = 100;

    public static PageQuery? TryParse(IQueryCollection query, out string problem)
    {
        var errors = new List<string>();
        var page = Read(query, "page", DefaultPage, long.MaxValue, errors);
        var size = Read(query, "size", DefaultSize, MaxSize, errors);
        problem = errors.Count > 0 ? "invalid request: " + string.Join("; ", errors) : "";
        return errors.Count > 0 ? null : new PageQuery(page, (int)size);
    }

    /// <summary>How many tasks come before this page (saturates instead of overflowing for absurd pages).</summary>
    public long Offset => (Page - 1) > long.MaxValue / Size ? long.MaxValue : (Page - 1) * Size;

    private static long Read(IQueryCollection query, string name, long fallback, long maximum, List<string> errors)
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
        var text = values[0] ?? "";
        if (!long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
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
