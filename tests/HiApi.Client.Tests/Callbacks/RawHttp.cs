using System.Net;
using System.Net.Sockets;
using System.Text;

namespace HiApi.Client.Tests;

/// <summary>Hand-written HTTP on a plain socket, for what HttpClient will not send (a wrong Host, a trickled head).</summary>
public static class RawHttp
{
    public static async Task<string> SendAsync(int port, string request, TimeSpan? limit = null)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, port);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request));
        using var readLimit = new CancellationTokenSource(limit ?? TimeSpan.FromSeconds(10));
        return await ReadUntilClosedAsync(stream, readLimit.Token);
    }

    /// <summary>Everything the listener sent before closing the connection (which proves it was closed).</summary>
    public static async Task<string> ReadUntilClosedAsync(NetworkStream stream, CancellationToken ct)
    {
        var received = new MemoryStream();
        var buffer = new byte[1024];
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer, ct)) > 0)
            {
                received.Write(buffer, 0, read);
            }
        }
        catch (IOException)
        {
            // A reset after the answer also closes it.
        }

        return Encoding.ASCII.GetString(received.ToArray());
    }
}
