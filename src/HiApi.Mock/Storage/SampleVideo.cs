namespace HiApi.Mock.Storage;

/// <summary>
/// The MP4 every successful task serves: tests/fixtures/sample.mp4 (25 KB; ftyp, moov holding mvhd and a trak with
/// tkhd, mdat), embedded in the assembly so the stand-in needs no file beside it.
/// </summary>
internal static class SampleVideo
{
    private const string ResourceName = "HiApi.Mock.sample.mp4";

    private static readonly Lazy<byte[]> Content = new(Load);

    public static byte[] Bytes => Content.Value;

    private static byte[] Load()
    {
        using var stream = typeof(SampleVideo).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"The embedded video {ResourceName} is missing from HiApi.Mock.dll.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
