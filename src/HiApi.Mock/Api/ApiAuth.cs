namespace HiApi.Mock.Api;

/// <summary><c>Authorization: Bearer &lt;key&gt;</c> with the stand-in's own key (the scheme's case is free); anything else is the 401.</summary>
internal static class ApiAuth
{
    private const string Scheme = "Bearer ";

    public static bool IsAuthorized(string? header, string apiKey)
    {
        if (header is null || !header.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var secret = header[Scheme.Length..];
        return secret.Length > 0 && !secret.Any(char.IsWhiteSpace)
            && System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(
                System.Text.Encoding.UTF8.GetBytes(secret), System.Text.Encoding.UTF8.GetBytes(apiKey));
    }
}
