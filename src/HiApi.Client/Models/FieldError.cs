namespace HiApi.Client;

/// <summary>
/// One problem with one field, in the API's own words: <see cref="Field"/> is the path as the
/// server's message names it (<c>aspect_ratio</c>, <c>image_urls/0</c>, <c>callback.url</c>, <c>model</c>).
/// </summary>
public sealed class FieldError
{
    public FieldError(string field, string message)
    {
        Field = field ?? throw new ArgumentNullException(nameof(field));
        Message = message ?? throw new ArgumentNullException(nameof(message));
    }

    public string Field { get; }

    /// <summary>The text after <c>&lt;field&gt;: </c>, or the whole <c>additional properties '...' not allowed</c> text.</summary>
    public string Message { get; }

    public override string ToString() => $"{Field}: {Message}";
}
