namespace HiApi.Client;

/// <summary>What a task id may look like before it goes into a URL or a file name: text, not a trap.</summary>
public static class TaskIds
{
    /// <summary>HiAPI's ids are ~34 characters (<c>tk-hiapi-01KW23VDG2EZ20J7RQH8S67MNC</c>); this leaves ample room.</summary>
    public const int MaxLength = 512;

    /// <summary>Null when <paramref name="id"/> can be used; otherwise what is wrong with it, for the user.</summary>
    public static string? Check(string? id)
    {
        if (string.IsNullOrWhiteSpace(id))
        {
            return "A task id must not be empty.";
        }

        var trimmed = id.Trim();
        if (trimmed.Length > MaxLength)
        {
            return $"A task id of {trimmed.Length} characters is not a HiAPI task id (at most {MaxLength}).";
        }

        foreach (var c in trimmed)
        {
            if (char.IsControl(c))
            {
                return $"The task id '{Printable(trimmed)}' contains a control character.";
            }
        }

        return null;
    }

    private static string Printable(string id) =>
        new(id.Take(60).Select(c => char.IsControl(c) ? '?' : c).ToArray());
}
