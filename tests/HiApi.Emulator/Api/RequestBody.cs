using Microsoft.AspNetCore.Http;

namespace HiApi.Emulator.Api;

/// <summary>Reads a request body whole and notes its size for the request log.</summary>
internal static class RequestBody
{
    public const string BytesItemKey = "HiApi.Emulator.RequestBodyBytes";

    public static async Task<byte[]> ReadAsync(HttpContext context)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
        context.Items[BytesItemKey] = buffer.Length;
        return buffer.ToArray();
    }
}
