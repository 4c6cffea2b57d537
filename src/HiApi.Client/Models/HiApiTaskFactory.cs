using System.Security.Cryptography;

namespace HiApi.Client;

/// <summary>
/// Builds realistic <see cref="HiApiTask"/> objects without the API, for tests of scripts that use the module: what a
/// Pester <c>Mock</c> of New-HiApiVideoTask, Wait-HiApiTask or Get-HiApiTask returns. A task built here is the same
/// type the cmdlets write, so views, pipelines and property checks treat it like any other.
/// <code>
/// Mock Get-HiApiTask { [HiApi.Client.HiApiTaskFactory]::Create(@{ Status = 'Fail'; Prompt = 'a dragon' }) }
/// </code>
/// </summary>
public static class HiApiTaskFactory
{
    /// <summary>The message of a failed task when <see cref="HiApiTaskSpec.ErrorMessage"/> is not given (the emulator's and the stand-in's).</summary>
    public const string DefaultErrorMessage = "the model could not generate a video for this prompt";

    private const string Crockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

    /// <summary>A task from <paramref name="spec"/> (all fields optional; null: a succeeded text-to-video task).</summary>
    public static HiApiTask Create(HiApiTaskSpec? spec = null)
    {
        spec ??= new HiApiTaskSpec();
        var now = DateTimeOffset.UtcNow;
        var submittedAt = spec.SubmittedAt ?? now;
        var taskId = string.IsNullOrWhiteSpace(spec.TaskId) ? NewTaskId(submittedAt) : spec.TaskId.Trim();
        var outputs = new List<TaskOutput>();
        if (spec.Status == HiApiTaskStatus.Success || spec.VideoUrl is not null)
        {
            outputs.Add(new TaskOutput("video", spec.VideoUrl ?? $"https://temp.hiapi.ai/tasks/{taskId}/0.mp4", spec.ExpiresAt ?? submittedAt.AddDays(7)));
        }

        var failed = spec.Status == HiApiTaskStatus.Fail;
        return new HiApiTask(taskId)
        {
            Model = spec.Model ?? (spec.ImageUrl is null ? HiApiModels.TextToVideo : HiApiModels.ImageToVideo),
            Status = spec.Status,
            StatusText = spec.Status == HiApiTaskStatus.Unknown ? null : spec.Status.ToString().ToLowerInvariant(),
            Outputs = outputs,
            Error = failed || spec.ErrorCode is not null || spec.ErrorMessage is not null
                ? new TaskError(spec.ErrorCode ?? "generation_failed", spec.ErrorMessage ?? DefaultErrorMessage)
                : null,
            Request = new VideoRequest
            {
                Model = spec.Model ?? (spec.ImageUrl is null ? HiApiModels.TextToVideo : HiApiModels.ImageToVideo),
                Prompt = spec.Prompt,
                ImageUrl = spec.ImageUrl,
                AspectRatio = spec.AspectRatio,
                Resolution = spec.Resolution,
                CallbackUrl = spec.CallbackUrl,
                Duration = spec.Duration,
            },
            IdempotencyKey = spec.IdempotencyKey,
            Batch = spec.Batch,
            InputNumber = spec.InputNumber,
            Row = spec.Row is null ? null : TaskRow.From(spec.Row.Cast<System.Collections.DictionaryEntry>()
                .Select(entry => new KeyValuePair<string, object?>(Convert.ToString(entry.Key, System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty, entry.Value))),
            CompletedAt = spec.Status is HiApiTaskStatus.Success or HiApiTaskStatus.Fail ? submittedAt : null,
            Storage = "temp",
            SubmittedAt = submittedAt,
            CreatedAt = submittedAt,
            RetrievedAt = now,
        };
    }

    /// <summary><c>tk-hiapi-</c> and 26 Crockford base32 characters: the time, then randomness (the API's shape).</summary>
    private static string NewTaskId(DateTimeOffset at)
    {
        Span<byte> random = stackalloc byte[10];
        RandomNumberGenerator.Fill(random);
        var value = ((UInt128)(ulong)Math.Max(0, at.ToUnixTimeMilliseconds()) << 80)
            | new UInt128(BitConverter.ToUInt16(random[..2]), BitConverter.ToUInt64(random[2..]));
        Span<char> text = stackalloc char[26];
        for (var i = 25; i >= 0; i--)
        {
            text[i] = Crockford[(int)(value & 31)];
            value >>= 5;
        }

        return "tk-hiapi-" + new string(text);
    }
}
