using System.Threading.Channels;

namespace HiApi.Client;

/// <summary>
/// The "next event or null when the stream has ended" reading that TaskWaiter and CallbackReceiver both expose:
/// callers loop until null instead of catching ChannelClosedException.
/// </summary>
internal static class ChannelReaderExtensions
{
    public static async ValueTask<T?> ReadOrNullAsync<T>(this ChannelReader<T> reader, CancellationToken ct)
        where T : class
    {
        while (await reader.WaitToReadAsync(ct).ConfigureAwait(false))
        {
            if (reader.TryRead(out var item))
            {
                return item;
            }
        }

        return null;
    }

    public static bool TryReadOrNull<T>(this ChannelReader<T> reader, out T? item)
        where T : class
    {
        if (reader.TryRead(out var next))
        {
            item = next;
            return true;
        }

        item = null;
        return false;
    }
}
