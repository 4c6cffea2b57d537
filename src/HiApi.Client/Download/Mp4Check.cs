namespace HiApi.Client;

/// <summary>The verdict of <see cref="Mp4Structure"/> and, unless whole, what is wrong in words for an error message.</summary>
internal readonly record struct Mp4Check(Mp4Verdict Verdict, string? Problem)
{
    public static Mp4Check Whole { get; } = new(Mp4Verdict.Whole, null);

    public static Mp4Check Truncated(string problem) => new(Mp4Verdict.Truncated, problem);

    public static Mp4Check Invalid(string problem) => new(Mp4Verdict.Invalid, problem);
}
