using System.Globalization;
using System.Net.Http.Headers;

namespace HiApi.Client;

/// <summary>
/// The storage object a download started on, as its first answer described it: its validators (ETag,
/// Last-Modified) and its length. A resume asks for the rest of <em>this</em> object only (<c>If-Range</c>), and an
/// answer that describes another object is never appended to it: storage may replace a video (a re-upload, another
/// replica) between two attempts, and the bytes of two objects spliced together can still look like a whole MP4.
/// </summary>
internal sealed class StoredObject
{
    private StoredObject(EntityTagHeaderValue? entityTag, DateTimeOffset? lastModified, bool lastModifiedIsStrong, long? length)
    {
        EntityTag = entityTag;
        LastModified = lastModified;
        Length = length;
        IfRange = entityTag is { IsWeak: false }
            ? new RangeConditionHeaderValue(entityTag)
            : lastModifiedIsStrong && lastModified is { } date ? new RangeConditionHeaderValue(date) : null;
    }

    public EntityTagHeaderValue? EntityTag { get; }

    public DateTimeOffset? LastModified { get; }

    /// <summary>The whole object's length, when storage said.</summary>
    public long? Length { get; }

    /// <summary>
    /// The condition a resume sends: the ETag when it is strong (If-Range takes no weak one), else Last-Modified when
    /// it is a full date that is a strong validator; null when neither is, and then no resume is safe: start over.
    /// </summary>
    public RangeConditionHeaderValue? IfRange { get; }

    /// <summary>The object a 200 (or a 206 from byte 0) describes; <paramref name="length"/> is its whole length, if known.</summary>
    public static StoredObject Of(HttpResponseMessage response, long? length)
    {
        var lastModified = FullDate(response);
        return new StoredObject(response.Headers.ETag, lastModified, IsStrong(lastModified, response.Headers.Date), length);
    }

    /// <summary>
    /// Null when <paramref name="answer"/> (a 206 or a 416 to a resume) is of this object; else how it differs, in
    /// words. The validator the resume was sent with must come back unchanged in a 206 (RFC 9110 requires it); a
    /// 416 rarely carries one, so there only what it carries is compared. <paramref name="total"/> is the whole
    /// length the answer's Content-Range gives.
    /// </summary>
    public string? DescribeChange(HttpResponseMessage answer, long? total, bool validatorRequired)
    {
        var tag = answer.Headers.ETag;
        if (EntityTag is { } ours && tag is not null && (tag.Tag != ours.Tag || tag.IsWeak != ours.IsWeak))
        {
            return $"another object (ETag {tag}, the download began with {ours})";
        }

        var date = answer.Content.Headers.LastModified;
        if (LastModified is { } modified && date is { } theirs && theirs != modified)
        {
            return $"another object (Last-Modified {theirs.UtcDateTime:R}, the download began with {modified.UtcDateTime:R})";
        }

        if (validatorRequired && IfRange is { } sent && (sent.EntityTag is not null ? tag is null : date is null))
        {
            return $"no {(sent.EntityTag is not null ? "ETag" : "Last-Modified")} to prove it is the same object";
        }

        if (Length is { } length && total is { } answered && answered != length)
        {
            return $"an object of {answered} bytes (the download began with {length})";
        }

        return null;
    }

    /// <summary>Last-Modified as sent, when it is a complete IMF-fixdate (<c>Sun, 06 Nov 1994 08:49:37 GMT</c>).</summary>
    private static DateTimeOffset? FullDate(HttpResponseMessage response)
    {
        if (!response.Content.Headers.NonValidated.TryGetValues("Last-Modified", out var values) || values.Count != 1)
        {
            return null;
        }

        return DateTimeOffset.TryParseExact(
            values.First().Trim(), "r", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var date)
            ? date
            : null;
    }

    /// <summary>
    /// RFC 9110 8.8.2.2: a Last-Modified is a strong validator only when the response's Date is at least a second
    /// later; otherwise the object could change again within the same second and keep its date.
    /// </summary>
    private static bool IsStrong(DateTimeOffset? lastModified, DateTimeOffset? date) =>
        lastModified is { } modified && date is { } sent && sent - modified >= TimeSpan.FromSeconds(1);
}
