using System.Net;
using System.Security;

namespace HiApi.Video.Infrastructure;

internal static class SecureStringExtensions
{
    /// <summary>
    /// The plain key is needed once, to build the client's ApiKey wrapper; NetworkCredential does the
    /// unmanaged copy and zeroing for us on every platform PowerShell 7 runs on.
    /// </summary>
    public static string? ToPlainText(this SecureString? secure)
        => secure is null ? null : new NetworkCredential(string.Empty, secure).Password;
}
