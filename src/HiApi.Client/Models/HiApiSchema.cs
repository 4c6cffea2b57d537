namespace HiApi.Client;

/// <summary>The contract's allowed values, in the contract's order (the server's error messages list them so).</summary>
public static class HiApiSchema
{
    public const int MinDuration = 3;
    public const int MaxDuration = 15;

    public static IReadOnlyList<string> AspectRatios { get; } =
        Array.AsReadOnly(new[] { "16:9", "9:16", "3:4", "4:3", "4:5", "5:4", "1:1", "9:21", "21:9" });

    public static IReadOnlyList<string> Resolutions { get; } = Array.AsReadOnly(new[] { "720p", "1080p" });
}
