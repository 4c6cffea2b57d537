namespace HiApi.Mock.Validation;

/// <summary>What counts as an absolute web URL for image inputs and callbacks.</summary>
internal static class UrlRules
{
    public static bool IsAbsoluteUrl(string text, bool allowHttp)
    {
        // Uri also accepts "/path" as an absolute file URI on Unix: the scheme check rules that out.
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host))
        {
            return false;
        }
        return uri.Scheme == Uri.UriSchemeHttps || (allowHttp && uri.Scheme == Uri.UriSchemeHttp);
    }
}
