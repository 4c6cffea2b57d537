using System.Text;
using System.Text.RegularExpressions;

namespace HiApi.Mock.Tasks;

/// <summary>
/// Wildcard patterns matched like PowerShell's <c>-like</c>: against the whole text, ignoring case, with <c>*</c>
/// (any run of characters), <c>?</c> (one character) and <c>[...]</c> (one of a set or range); a backtick escapes the
/// next character.
/// </summary>
internal static class PromptPattern
{
    public static bool MatchesAny(IReadOnlyList<string> patterns, string? prompt)
    {
        if (prompt is null)
        {
            return false;
        }

        foreach (var pattern in patterns)
        {
            if (ToRegex(pattern).IsMatch(prompt))
            {
                return true;
            }
        }

        return false;
    }

    internal static Regex ToRegex(string pattern)
    {
        var regex = new StringBuilder("^");
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            switch (c)
            {
                case '`' when i + 1 < pattern.Length:
                    regex.Append(Regex.Escape(pattern[++i].ToString()));
                    break;
                case '*':
                    regex.Append(".*");
                    break;
                case '?':
                    regex.Append('.');
                    break;
                case '[' when pattern.IndexOf(']', i + 1) is var close and > 0:
                    var set = pattern[(i + 1)..close];
                    regex.Append('[').Append(set.Replace("\\", "\\\\").Replace("^", "\\^")).Append(']');
                    i = close;
                    break;
                default:
                    regex.Append(Regex.Escape(c.ToString()));
                    break;
            }
        }

        return new Regex(regex.Append('$').ToString(), RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Singleline);
    }
}
