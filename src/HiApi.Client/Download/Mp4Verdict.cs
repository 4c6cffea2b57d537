namespace HiApi.Client;

/// <summary>What the top-level box structure of a file says about it.</summary>
internal enum Mp4Verdict
{
    /// <summary>Starts with <c>ftyp</c> and its boxes add up exactly to the file's length.</summary>
    Whole,

    /// <summary>A valid beginning: the boxes say more bytes must follow (a transfer cut short).</summary>
    Truncated,

    /// <summary>Not an MP4, or boxes that cannot be: no amount of further bytes would make it whole.</summary>
    Invalid,
}
