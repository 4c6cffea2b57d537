using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace HiApi.Client;

/// <summary>
/// The metadata file beside a saved video (Save-HiApiVideo -Sidecar): <c>&lt;video file name&gt;.json</c>, such as
/// <c>012-3.mp4.json</c>, holding what ties the clip to its row: the request as sent, the row, the task id, model,
/// HiAPI's created and completed times, the batch and input number, the saved size and SHA-256, and the estimated cost
/// when one was made. Its bytes depend only on the task and the video (no time of writing), so a re-run that finds the
/// same file leaves it alone; a changed one is replaced atomically (a hidden temporary file beside it, flushed to disk,
/// then renamed), like the video. Indented UTF-8 JSON with LF line ends, the same on every OS.
/// </summary>
public static class VideoSidecar
{
    /// <summary>The <c>format</c> every sidecar names: how a file is known to be one this module wrote.</summary>
    public const string Format = "hiapi-video-sidecar";

    /// <summary>The <c>version</c> of the layout written; a reader should refuse a higher one.</summary>
    public const int Version = 1;

    /// <summary>A file larger than this in the sidecar's place is not read: it cannot be one of these.</summary>
    private const int MaxReadBytes = 1024 * 1024;

    private static readonly JsonWriterOptions WriterOptions = new()
    {
        Indented = true,
        // A prompt or a row in any language stays readable; control characters, quotes and backslashes are still escaped.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>The sidecar of the video at <paramref name="videoPath"/>: its file name plus <c>.json</c> (made portable if too long).</summary>
    public static string PathFor(string videoPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(videoPath);
        var full = Path.GetFullPath(videoPath);
        return Path.Combine(Path.GetDirectoryName(full)!, PortableFileName.From(Path.GetFileName(full), ".json"));
    }

    /// <summary>
    /// Writes the sidecar of <paramref name="task"/>'s saved <paramref name="video"/>, or leaves it when it already holds
    /// exactly these bytes. A file in its place that is not a sidecar is replaced only with <paramref name="force"/>.
    /// </summary>
    /// <exception cref="HiApiException"><see cref="HiApiErrorKind.FileExists"/> or <see cref="HiApiErrorKind.FileSystem"/>, naming the task; the video stays saved.</exception>
    public static async Task<SidecarResult> WriteAsync(HiApiTask task, FileInfo video, bool force, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(video);
        var path = PathFor(video.FullName);
        byte[] content;
        try
        {
            video.Refresh();
            content = Build(task, video.Name, video.Length, await HashAsync(video.FullName, ct).ConfigureAwait(false));
        }
        catch (Exception unreadable) when (DownloadErrors.IsFileSystemFailure(unreadable))
        {
            throw DownloadErrors.FileSystem(task, $"the video is saved, but '{video.FullName}' could not be read back for its sidecar", unreadable);
        }

        var existing = ReadExisting(path);
        if (existing is not null && existing.AsSpan().SequenceEqual(content))
        {
            return new SidecarResult(new FileInfo(path), Written: false);
        }

        if (!force && (existing is not null ? !IsSidecar(existing) : File.Exists(path) || Directory.Exists(path)))
        {
            throw DownloadErrors.FileExists(task,
                $"The video of task {task.TaskId} is saved, but '{path}' already exists and is not a sidecar of this module; use -Force to replace it.");
        }

        try
        {
            Replace(path, content);
        }
        catch (Exception refused) when (DownloadErrors.IsFileSystemFailure(refused))
        {
            throw DownloadErrors.FileSystem(task, $"the video is saved, but its sidecar '{path}' could not be written", refused);
        }

        return new SidecarResult(new FileInfo(path), Written: true);
    }

    /// <summary>The sidecar's bytes (see the class summary for what it holds).</summary>
    internal static byte[] Build(HiApiTask task, string videoName, long size, string sha256)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, WriterOptions))
        {
            json.WriteStartObject();
            json.WriteString("format", Format);
            json.WriteNumber("version", Version);
            json.WriteString("video", videoName);
            json.WriteNumber("size", size);
            json.WriteString("sha256", sha256);
            json.WriteString("taskId", task.TaskId);
            WriteTextOrNull(json, "model", task.Model);
            WriteTimeOrNull(json, "createdAt", task.CreatedAt);
            WriteTimeOrNull(json, "completedAt", task.CompletedAt);
            WriteTextOrNull(json, "batch", task.Batch);
            if (task.InputNumber is { } number)
            {
                json.WriteNumber("inputNumber", number);
            }
            else
            {
                json.WriteNull("inputNumber");
            }

            WriteTextOrNull(json, "idempotencyKey", task.IdempotencyKey);
            if (task.EstimatedCostUsd is { } cost)
            {
                json.WriteNumber("estimatedCostUsd", cost);
            }

            json.WritePropertyName("request");
            if (task.Request is { } request)
            {
                json.WriteRawValue(request.BodyText); // the body exactly as sent
            }
            else
            {
                json.WriteNullValue();
            }

            json.WritePropertyName("row");
            if (task.Row is { } row)
            {
                json.WriteStartObject();
                foreach (var (name, value) in row)
                {
                    WriteTextOrNull(json, name, value);
                }

                json.WriteEndObject();
            }
            else
            {
                json.WriteNullValue();
            }

            json.WriteEndObject();
        }

        // Indented output ends lines with the OS's new line: LF everywhere, so a sidecar has the same bytes on every OS.
        var text = Encoding.UTF8.GetString(buffer.ToArray()).Replace("\r\n", "\n", StringComparison.Ordinal) + "\n";
        return Encoding.UTF8.GetBytes(text);
    }

    /// <summary>Whether <paramref name="content"/> is a sidecar this module wrote (of any task or version).</summary>
    internal static bool IsSidecar(byte[] content)
    {
        try
        {
            using var document = JsonDocument.Parse(content);
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("format", out var format)
                && format.ValueKind == JsonValueKind.String
                && format.GetString() == Format;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static async Task<string> HashAsync(string path, CancellationToken ct)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1 << 16, FileOptions.Asynchronous | FileOptions.SequentialScan);
        return Convert.ToHexString(await SHA256.HashDataAsync(stream, ct).ConfigureAwait(false)).ToLowerInvariant();
    }

    /// <summary>The file in the sidecar's place, when there is one small enough to be a sidecar; null otherwise.</summary>
    private static byte[]? ReadExisting(string path)
    {
        try
        {
            var file = new FileInfo(path);
            return file.Exists && file.Length <= MaxReadBytes ? File.ReadAllBytes(path) : null;
        }
        catch (Exception unreadable) when (DownloadErrors.IsFileSystemFailure(unreadable))
        {
            return null;
        }
    }

    /// <summary>Hidden temporary file beside the target (the video's naming), flushed to disk, then renamed over it.</summary>
    private static void Replace(string path, byte[] content)
    {
        var directory = Path.GetDirectoryName(path)!;
        var prefix = VideoDownloader.PartialPrefix(Path.GetFileName(path));
        RemoveAbandoned(directory, prefix);
        var temporary = Path.Combine(directory, $"{prefix}{Convert.ToHexString(RandomNumberGenerator.GetBytes(4)).ToLowerInvariant()}{VideoDownloader.PartialSuffix}");
        try
        {
            using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1))
            {
                file.Write(content);
                file.Flush(flushToDisk: true);
            }

            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary))
            {
                TryDelete(temporary);
            }
        }
    }

    /// <summary>Temporary sidecars a killed process left: removed when no live writer holds them open.</summary>
    private static void RemoveAbandoned(string directory, string prefix)
    {
        string[] candidates;
        try
        {
            candidates = Directory.EnumerateFiles(directory, "*" + VideoDownloader.PartialSuffix)
                .Where(candidate => VideoDownloader.IsPartialOf(Path.GetFileName(candidate), prefix))
                .ToArray();
        }
        catch (Exception unreadable) when (DownloadErrors.IsFileSystemFailure(unreadable))
        {
            return;
        }

        foreach (var candidate in candidates)
        {
            try
            {
                using (new FileStream(candidate, FileMode.Open, FileAccess.ReadWrite, FileShare.None, 1))
                {
                }

                File.Delete(candidate);
            }
            catch (Exception inUse) when (DownloadErrors.IsFileSystemFailure(inUse))
            {
                // written by a live save right now, or already gone
            }
        }
    }

    private static void WriteTextOrNull(Utf8JsonWriter json, string name, string? value)
    {
        if (value is null)
        {
            json.WriteNull(name);
        }
        else
        {
            json.WriteString(name, value);
        }
    }

    private static void WriteTimeOrNull(Utf8JsonWriter json, string name, DateTimeOffset? value)
    {
        if (value is { } time)
        {
            json.WriteString(name, time.ToUniversalTime());
        }
        else
        {
            json.WriteNull(name);
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (DownloadErrors.IsFileSystemFailure(ex))
        {
        }
    }
}
