using System.Management.Automation;
using HiApi.Client;

namespace HiApi.Video.Infrastructure;

/// <summary>
/// Turns the client's one exception type into PowerShell error records: a category that `$Error` and
/// `-ErrorAction` users can branch on, and a FullyQualifiedErrorId they can match in Pester
/// (`Should -Throw -ErrorId 'HiApi.INVALID_REQUEST*'`).
/// </summary>
internal static class ErrorRecordFactory
{
    public static ErrorRecord Create(HiApiException exception, object? target)
    {
        var record = new ErrorRecord(exception, ErrorId(exception), Category(exception.Kind), target ?? exception.Task ?? (object?)exception.TaskId);
        var action = RecommendedAction(exception);
        var explanation = Explain(exception);
        if (action is not null || explanation is not null)
        {
            // The console shows ErrorDetails.Message: the API's words, then why, when PowerShell users would not guess it.
            record.ErrorDetails = new ErrorDetails(explanation is null ? exception.Message : $"{exception.Message} ({explanation})")
            {
                RecommendedAction = action,
            };
        }

        return record;
    }

    /// <summary>An error that is not the API's: a path PowerShell cannot resolve, say.</summary>
    public static ErrorRecord Create(Exception exception, string errorId, ErrorCategory category, object? target)
        => new(exception, "HiApi." + errorId, category, target);

    /// <summary>
    /// Errors the API answered carry its own code (HiApi.INVALID_REQUEST, HiApi.permission_denied, or HiApi.Http502
    /// for a body without one); everything this module concluded itself carries its kind (HiApi.TaskFailed,
    /// HiApi.OutputExpired, HiApi.FileExists...), whatever HTTP status led to it. An API code is the server's text: only
    /// a plain identifier becomes part of the id; any other (a redacted key an API echoed, words, a dotted or spaced
    /// text that would break `-ErrorId 'HiApi.X,*'` matching) gives way to the kind, and is never quoted in the id.
    /// </summary>
    public static string ErrorId(HiApiException exception) => exception.Kind switch
    {
        HiApiErrorKind.InvalidRequest or HiApiErrorKind.Unauthorized or HiApiErrorKind.InsufficientBalance
            or HiApiErrorKind.RateLimited or HiApiErrorKind.NotFound or HiApiErrorKind.ServerError
            when IsPlainIdentifier(exception.ErrorCode) => "HiApi." + exception.ErrorCode,
        HiApiErrorKind.InvalidRequest or HiApiErrorKind.Unauthorized or HiApiErrorKind.InsufficientBalance
            or HiApiErrorKind.RateLimited or HiApiErrorKind.NotFound or HiApiErrorKind.ServerError
            when !string.IsNullOrEmpty(exception.ErrorCode) => "HiApi." + exception.Kind,
        HiApiErrorKind.InvalidRequest or HiApiErrorKind.Unauthorized or HiApiErrorKind.InsufficientBalance
            or HiApiErrorKind.RateLimited or HiApiErrorKind.NotFound or HiApiErrorKind.ServerError
            when exception.StatusCode is int status => "HiApi.Http" + status,
        _ => "HiApi." + exception.Kind,
    };

    /// <summary>Letters, digits and '_', a letter first, at most 64: INVALID_REQUEST, permission_denied.</summary>
    private static bool IsPlainIdentifier(string? code) =>
        code is { Length: > 0 and <= MaxErrorCodeLength }
        && char.IsAsciiLetter(code[0])
        && code.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');

    private const int MaxErrorCodeLength = 64;

    public static ErrorCategory Category(HiApiErrorKind kind) => kind switch
    {
        HiApiErrorKind.InvalidRequest => ErrorCategory.InvalidArgument,
        HiApiErrorKind.Unauthorized => ErrorCategory.PermissionDenied,
        HiApiErrorKind.InsufficientBalance => ErrorCategory.QuotaExceeded,
        HiApiErrorKind.RateLimited => ErrorCategory.LimitsExceeded,
        HiApiErrorKind.NotFound => ErrorCategory.ObjectNotFound,
        HiApiErrorKind.ServerError => ErrorCategory.ConnectionError,
        HiApiErrorKind.Network => ErrorCategory.ConnectionError,
        HiApiErrorKind.InvalidResponse => ErrorCategory.InvalidResult,
        HiApiErrorKind.TaskFailed => ErrorCategory.InvalidResult,
        HiApiErrorKind.Timeout => ErrorCategory.OperationTimeout,
        HiApiErrorKind.NotReady => ErrorCategory.InvalidOperation,
        HiApiErrorKind.OutputExpired => ErrorCategory.ResourceUnavailable,
        HiApiErrorKind.FileExists => ErrorCategory.ResourceExists,
        HiApiErrorKind.FileNameCollision => ErrorCategory.ResourceExists,
        HiApiErrorKind.Configuration => ErrorCategory.InvalidArgument,
        HiApiErrorKind.InvalidVideo => ErrorCategory.InvalidData,
        HiApiErrorKind.FileSystem => ErrorCategory.WriteError,
        HiApiErrorKind.InvalidSignature => ErrorCategory.SecurityError,
        HiApiErrorKind.IdempotencyConflict => ErrorCategory.InvalidOperation,
        HiApiErrorKind.NothingToResume => ErrorCategory.ObjectNotFound,
        HiApiErrorKind.PriceUnknown => ErrorCategory.ResourceUnavailable,
        HiApiErrorKind.BudgetExceeded => ErrorCategory.LimitsExceeded,
        HiApiErrorKind.InvalidFileName => ErrorCategory.InvalidArgument,
        _ => ErrorCategory.NotSpecified,
    };

    /// <summary>What the API's words leave a PowerShell user to guess.</summary>
    private static string? Explain(HiApiException exception) =>
        exception.Kind == HiApiErrorKind.InvalidRequest
        && exception.FieldErrors.Any(error => error.Field == "aspect_ratio" && error.Message.StartsWith("additional properties", StringComparison.Ordinal))
            ? "image-to-video follows the image's aspect ratio: leave -AspectRatio out"
            : null;

    private static string? RecommendedAction(HiApiException exception)
    {
        if (exception.TaskMayHaveBeenCreated)
        {
            // What to do only: the message says what happened, and that the key settles it.
            return "Run the same command again (the same -Batch, or -Resume), or Get-HiApiSubmission -Unresolved | New-HiApiVideoTask: " +
                "its key returns that task, or creates it once.";
        }

        return exception.Kind switch
        {
            HiApiErrorKind.InvalidRequest => "Fix the fields named in the message; nothing was charged.",
            // 401, 402 and 422 messages already carry their advice (the client's text): not said twice.
            HiApiErrorKind.RateLimited => "Wait and try again, or submit fewer tasks at once.",
            HiApiErrorKind.OutputExpired => "The temporary URL has expired; the video can no longer be downloaded.",
            HiApiErrorKind.FileExists => "Use -Force to overwrite, or choose another -Path.",
            HiApiErrorKind.Timeout => "Wait again later with Wait-HiApiTask; the task keeps rendering on the server.",
            HiApiErrorKind.PriceUnknown => "See HiAPI's public price list with Get-HiApiPrice -Refresh; no price is ever guessed.",
            HiApiErrorKind.BudgetExceeded => "Nothing was sent for this input. Raise the budget, or send fewer or shorter tasks.",
            _ => null,
        };
    }
}
