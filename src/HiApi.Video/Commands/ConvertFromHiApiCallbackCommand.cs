using System.Collections;
using System.Management.Automation;
using System.Security;
using HiApi.Client;
using HiApi.Video.Infrastructure;

namespace HiApi.Video.Commands;

/// <summary>
/// ConvertFrom-HiApiCallback: turns a webhook body HiAPI POSTed (wrapped in {code,data} or bare) into a task
/// object, for users who receive callbacks in their own web framework. -Verify decides whether the body can be
/// trusted, and only for a task id the ledger knows: with a webhook signing key, by its signature over the raw bytes;
/// without one (callbacks are then unsigned), by reading the task from the API.
/// </summary>
[Cmdlet(VerbsData.ConvertFrom, "HiApiCallback")]
[OutputType(typeof(HiApiTask))]
public sealed class ConvertFromHiApiCallbackCommand : HiApiCommandBase
{
    private WebhookSecret? _secret;
    private bool _secretResolved;

    /// <summary>The body: JSON text, bytes, a stream, an HttpListener request, or the framework's parsed object.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    [ValidateNotNull]
    public object? Body { get; set; }

    /// <summary>
    /// Trust the body only once it is proven: by its signature when a webhook signing key is set, otherwise by
    /// GET /v1/tasks/{id} with the key; either way only for a task id the ledger knows.
    /// </summary>
    [Parameter]
    public SwitchParameter Verify { get; set; }

    /// <summary>Refuse bodies larger than this; a task is a few hundred bytes.</summary>
    [Parameter]
    [ValidateRange(1024, 64 * 1024 * 1024)]
    [PlainNumber(Whole = true)]
    public long MaxBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>The webhook signing key set in the HiAPI console. Defaults to $env:HIAPI_WEBHOOK_SECRET.</summary>
    [Parameter]
    [ValidateNotNull]
    [SecureStringTransformation]
    public SecureString? WebhookSecret { get; set; }

    /// <summary>The X-HiAPI-Signature header of the request.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Signature { get; set; }

    /// <summary>The X-HiAPI-Timestamp header of the request.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Timestamp { get; set; }

    /// <summary>The request's headers, to find X-HiAPI-Signature and X-HiAPI-Timestamp in.</summary>
    [Parameter]
    [ValidateNotNull]
    public IDictionary? Header { get; set; }

    protected override void ProcessRecord()
    {
        HiApiTask claimed;
        byte[] raw;
        bool isRaw;
        try
        {
            raw = CallbackBodyReader.ReadUtf8(Body, MaxBodyBytes, out isRaw);
            claimed = CallbackParser.Parse(raw);
        }
        catch (ArgumentException unreadable)
        {
            WriteError(ErrorRecordFactory.Create(unreadable, "InvalidCallbackBody", ErrorCategory.InvalidData, Body));
            return;
        }
        catch (HiApiException malformed)
        {
            WriteHiApiError(malformed, Body);
            return;
        }

        if (!Verify)
        {
            WriteObject(Ledger is null ? claimed : Session.Remember(claimed));
            return;
        }

        var secret = Secret();
        if (secret is not null && !IsSignedBy(secret, raw, isRaw, claimed.TaskId))
        {
            return;
        }

        if (!IsKnownTask(claimed.TaskId))
        {
            var unknown = new InvalidOperationException(
                $"Callback for task {claimed.TaskId} ignored: the task ledger does not know it (a forged or foreign callback). Nothing was fetched.");
            WriteError(ErrorRecordFactory.Create(unknown, "UnknownCallbackTask", ErrorCategory.SecurityError, claimed.TaskId));
            return;
        }

        if (secret is not null)
        {
            // HiAPI's own word: no GET needed.
            var trusted = Session.Remember(claimed);
            Session.RecordStatus(trusted);
            WriteVerbose($"Callback for task {claimed.TaskId}: signature verified, trusted without a GET.");
            WriteObject(trusted);
            return;
        }

        try
        {
            WriteObject(Run(token => OnlineSession.GetAsync(claimed.TaskId, token)));
        }
        catch (HiApiException failure)
        {
            WriteHiApiError(failure, claimed.TaskId);
        }
    }

    /// <summary>Resolved once, on first need: a cmdlet without -Verify never looks for a key.</summary>
    private WebhookSecret? Secret()
    {
        if (!_secretResolved)
        {
            _secret = ResolveWebhookSecret(WebhookSecret);
            _secretResolved = true;
        }

        return _secret;
    }

    /// <summary>Checks the signature over the bytes HiAPI sent; a failure is a non-terminating HiApi.InvalidSignature.</summary>
    private bool IsSignedBy(WebhookSecret secret, byte[] raw, bool isRaw, string taskId)
    {
        if (!isRaw)
        {
            var parsed = new InvalidOperationException(
                $"The callback for task {taskId} cannot be checked against its signature: the body was passed as a parsed object, " +
                "and the signature covers the bytes HiAPI sent. Pass the raw body (text, bytes or a stream).");
            WriteError(ErrorRecordFactory.Create(parsed, nameof(HiApiErrorKind.InvalidSignature), ErrorCategory.SecurityError, taskId));
            return false;
        }

        try
        {
            CallbackSignature.Verify(
                secret,
                Timestamp ?? CallbackHeaderReader.Find(CallbackSignature.TimestampHeader, Header, Body),
                Signature ?? CallbackHeaderReader.Find(CallbackSignature.SignatureHeader, Header, Body),
                raw,
                DateTimeOffset.UtcNow,
                taskId);
            return true;
        }
        catch (HiApiException invalid)
        {
            WriteHiApiError(invalid, taskId);
            return false;
        }
    }

    /// <summary>A ledger that cannot be read knows nothing: the callback is refused, never trusted.</summary>
    private bool IsKnownTask(string taskId)
    {
        try
        {
            return Ledger is { } ledger && ledger.Contains(taskId);
        }
        catch (IOException unreadable)
        {
            WriteWarning($"The task ledger could not be read ({unreadable.Message}); the callback for {taskId} is refused.");
            return false;
        }
    }
}
