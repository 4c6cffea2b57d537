using System.Net;
using System.Net.Sockets;

namespace HiApi.Client;

/// <summary>
/// Which sockets a set of prefixes needs, and binding them. Per port: any wildcard or host name (other than localhost)
/// binds every interface, IPv6 and IPv4 in one dual-mode socket where the OS has IPv6; otherwise each address named
/// is bound, and localhost is 127.0.0.1 plus ::1 where available. Host headers then pick the prefix, so one port can
/// serve several prefixes without two sockets fighting over it.
/// </summary>
internal static class ListenerBindings
{
    /// <summary>An address to bind; an optional one (::1 for localhost) may be missing on this machine.</summary>
    public readonly record struct Target(IPAddress Address, int Port, bool Optional);

    public static IReadOnlyList<Target> Plan(IEnumerable<ListenerPrefix> prefixes)
    {
        var targets = new List<Target>();
        foreach (var port in prefixes.GroupBy(prefix => prefix.Port))
        {
            if (port.Any(prefix => prefix.IsWildcard || (prefix.Address is null && !prefix.IsLocalhost)))
            {
                targets.Add(Socket.OSSupportsIPv6
                    ? new Target(IPAddress.IPv6Any, port.Key, Optional: false)
                    : new Target(IPAddress.Any, port.Key, Optional: false));
                continue;
            }

            var addresses = new List<Target>();
            foreach (var prefix in port)
            {
                if (prefix.Address is { } address)
                {
                    addresses.Add(new Target(address, port.Key, Optional: false));
                }
                else
                {
                    addresses.Add(new Target(IPAddress.Loopback, port.Key, Optional: false));
                    if (Socket.OSSupportsIPv6)
                    {
                        addresses.Add(new Target(IPAddress.IPv6Loopback, port.Key, Optional: true));
                    }
                }
            }

            // A required binding wins over an optional one of the same address.
            targets.AddRange(addresses.GroupBy(t => t.Address).Select(same => same.OrderBy(t => t.Optional).First()));
        }

        return targets;
    }

    /// <summary>
    /// A listening socket, or null when an optional address cannot be bound. <paramref name="listen"/> creates, binds
    /// and starts one socket (address, port, backlog, exclusive use): a test's stand-in for the operating system.
    /// </summary>
    /// <exception cref="SocketException">A required address cannot be bound.</exception>
    public static Socket? Bind(Target target, int backlog, ListenerPlatform platform, Func<IPAddress, int, int, bool, Socket>? listen = null)
    {
        listen ??= Listen;
        try
        {
            return BindOnce(target.Address, target.Port, backlog, platform, listen);
        }
        catch (SocketException ex) when (target.Address.Equals(IPAddress.IPv6Any) && IsNoIPv6(ex))
        {
            // IPv6 compiled in but switched off (common in containers): every IPv4 interface, then.
            return BindOnce(IPAddress.Any, target.Port, backlog, platform, listen);
        }
        catch (SocketException) when (target.Optional)
        {
            return null;
        }
    }

    private static Socket BindOnce(IPAddress address, int port, int backlog, ListenerPlatform platform, Func<IPAddress, int, int, bool, Socket> listen)
    {
        if (platform != ListenerPlatform.Windows)
        {
            // .NET lets a Unix listener reuse a port whose old connections are still closing; nothing to choose.
            return listen(address, port, backlog, false);
        }

        try
        {
            // Another program must not bind the same port beside us and take our callbacks.
            return listen(address, port, backlog, true);
        }
        catch (SocketException inUse) when (inUse.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            // Under exclusive use, Windows also keeps the port while a previous listener's connections are closing
            // (TIME_WAIT, up to 4 minutes), so a restart on the same port would fail. Without it the bind succeeds only
            // in that case: a program listening there still holds the port, and the error stands.
            return listen(address, port, backlog, false);
        }
    }

    private static Socket Listen(IPAddress address, int port, int backlog, bool exclusive)
    {
        var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (address.Equals(IPAddress.IPv6Any))
            {
                socket.DualMode = true;
            }

            if (exclusive)
            {
                socket.ExclusiveAddressUse = true;
            }

            socket.Bind(new IPEndPoint(address, port));
            socket.Listen(backlog);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static bool IsNoIPv6(SocketException ex) =>
        ex.SocketErrorCode is SocketError.AddressFamilyNotSupported or SocketError.AddressNotAvailable or SocketError.ProtocolNotSupported;
}
