namespace HiApi.Client;

/// <summary>
/// The file system's own words for a failure, without the path .NET appends on Unix ("Read-only file system :
/// '/x/y'"): every message that quotes one already names the path itself, and printing it twice buries the cause.
/// </summary>
internal static class IoMessage
{
    public static string Of(Exception exception)
    {
        var message = exception.Message;
        var cut = message.LastIndexOf(" : '", StringComparison.Ordinal);
        return cut > 0 && message.EndsWith('\'') ? message[..cut] : message;
    }
}
