using Microsoft.AspNetCore.Http;

namespace HiApi.Emulator.Api;

/// <summary>
/// <see cref="EmulatorOptions.HugeBodyBytes"/>: a JSON answer padded with spaces right after its opening brace to an
/// exact total size. Still valid JSON, but a client only finds that out after reading all of it. The padding is
/// written from one shared buffer, so a 2 GiB answer costs the emulator no memory.
/// </summary>
internal static class PaddedJsonBody
{
    private static readonly byte[] Spaces = CreateSpaces(64 * 1024);

    public static async Task WriteAsync(HttpContext context, byte[] json, long totalBytes)
    {
        var padding = Math.Max(0, totalBytes - json.Length);
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = ApiResponses.JsonContentType;
        context.Response.ContentLength = json.Length + padding;

        var body = context.Response.Body;
        var aborted = context.RequestAborted;
        await body.WriteAsync(json.AsMemory(0, 1), aborted);
        for (var left = padding; left > 0; left -= Spaces.Length)
        {
            await body.WriteAsync(Spaces.AsMemory(0, (int)Math.Min(Spaces.Length, left)), aborted);
        }
        await body.WriteAsync(json.AsMemory(1), aborted);
    }

    private static byte[] CreateSpaces(int length)
    {
        var spaces = new byte[length];
        Array.Fill(spaces, (byte)' ');
        return spaces;
    }
}
