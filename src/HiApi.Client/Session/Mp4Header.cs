namespace HiApi.Client;

/// <summary>A cheap integrity check: every MP4 starts with an <c>ftyp</c> box (bytes 4..7).</summary>
public static class Mp4Header
{
    public static bool StartsWithFtyp(string path)
    {
        Span<byte> header = stackalloc byte[8];
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        return stream.ReadAtLeast(header, header.Length, throwOnEndOfStream: false) == header.Length
            && header[4] == (byte)'f' && header[5] == (byte)'t' && header[6] == (byte)'y' && header[7] == (byte)'p';
    }
}
