using System.Net.Sockets;

namespace HiApi.Client;

/// <summary>
/// Why a callback prefix could not be bound, in words that fit the system it happened on: the same error means
/// different things on Linux, macOS and Windows (a low port, a reserved range, a port still closing).
/// </summary>
internal static class ListenerBindError
{
    public static HiApiException Create(IReadOnlyList<string> prefixes, int port, SocketException error, ListenerPlatform platform) =>
        new(HiApiErrorKind.Configuration, $"Cannot listen for callbacks on {string.Join(", ", prefixes)}: {error.Message}. {Advice(port, error.SocketErrorCode, platform)}", error);

    internal static string Advice(int port, SocketError error, ListenerPlatform platform) => (error, platform) switch
    {
        (SocketError.AddressAlreadyInUse, _) =>
            $"Another program (or another Receive-HiApiCallback) is listening on port {port}: stop it, or choose another port " +
            $"(to find it: {FindListener(port, platform)}).",
        (SocketError.AccessDenied, ListenerPlatform.Linux) =>
            $"On Linux, ports below 1024 need root or the CAP_NET_BIND_SERVICE capability: listen on a port of 1024 or more " +
            "(the proxy or tunnel in front forwards to it).",
        (SocketError.AccessDenied, ListenerPlatform.MacOS) =>
            "macOS refused the address (no port needs root there since 10.14): a security tool or a sandbox may be blocking " +
            "this program; try another port.",
        (SocketError.AccessDenied, ListenerPlatform.Windows) =>
            $"Windows refuses ports it reserves (Hyper-V, WSL and Docker reserve ranges that can change at each restart; see " +
            $"'netsh interface ipv4 show excludedportrange protocol=tcp') and ports another program holds exclusively: choose " +
            $"a port outside those ranges.",
        (SocketError.AddressNotAvailable, _) =>
            "The address in the prefix is not one of this computer's: use 127.0.0.1 (behind a proxy or tunnel), or + for every interface.",
        _ => "Choose another port, or check the prefix.",
    };

    private static string FindListener(int port, ListenerPlatform platform) => platform switch
    {
        ListenerPlatform.Windows => $"Get-NetTCPConnection -LocalPort {port} -State Listen",
        ListenerPlatform.MacOS => $"lsof -nP -iTCP:{port} -sTCP:LISTEN",
        _ => $"ss -ltnp 'sport = :{port}'",
    };
}
