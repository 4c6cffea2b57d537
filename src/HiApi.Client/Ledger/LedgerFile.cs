using System.Buffers;
using System.Text.Json;

namespace HiApi.Client;

/// <summary>
/// The ledger's on-disk format: JSON Lines (UTF-8, one event per line) behind a header line. Callers must hold
/// the <see cref="LedgerFileLock"/> for every method here; nothing in this class is safe without it.
/// </summary>
internal static class LedgerFile
{
    private const byte NewLine = (byte)'\n';
    private const int ReadChunkBytes = 64 * 1024;
    private const int HeaderProbeBytes = 1024;

    /// <summary>
    /// Brings <paramref name="cached"/> up to date with the file, reading only what was appended since, or folds
    /// the file from the start when there is no usable cache (first read, compacted or replaced file). The file is
    /// streamed in chunks, so memory stays small for any ledger size. Corrupt lines are skipped and counted, a
    /// torn last line (no newline yet) is left unread: a line counts only once its newline is on disk. Never
    /// throws on bad content, only on I/O failure.
    /// </summary>
    public static LedgerState Read(string path, LedgerState? cached)
    {
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0, FileOptions.SequentialScan);
        }
        catch (Exception missing) when (missing is FileNotFoundException or DirectoryNotFoundException)
        {
            return new LedgerState();
        }

        using (stream)
        {
            var length = stream.Length;
            var state = cached is { Generation: not null } && cached.ConsumedBytes <= length && cached.Generation == ReadGeneration(stream)
                ? cached
                : new LedgerState();
            stream.Position = state.ConsumedBytes;
            FoldLines(stream, state);
            return state;
        }
    }

    /// <summary>
    /// Appends one event as a single write call and returns the file length after it. The write survives a crash of
    /// the process at once (it is in the OS's cache); it survives a crash of the machine once the file is fsynced,
    /// which <see cref="SyncToDisk"/> does (one fsync for every write made before it began). A file created here
    /// starts with a header. If an earlier writer died mid-line, a newline is written first so the fragment stays
    /// one (skipped) line and never swallows this event.
    /// </summary>
    public static long Append(string path, LedgerRecord record, DateTimeOffset now)
    {
        using var stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0);
        var line = new ArrayBufferWriter<byte>(512);
        var length = stream.Length;
        if (length == 0)
        {
            WriteHeader(line, now);
        }
        else
        {
            stream.Position = length - 1;
            if (stream.ReadByte() != NewLine)
            {
                line.Write([NewLine]);
            }
        }

        line.Write(JsonSerializer.SerializeToUtf8Bytes(record, LedgerJsonContext.Default.LedgerRecord));
        line.Write([NewLine]);
        stream.Position = length;
        stream.Write(line.WrittenSpan);
        return length + line.WrittenCount;
    }

    /// <summary>
    /// Fsyncs the ledger file as it is now and returns what that made durable: the file's generation (its header's)
    /// and its length when the fsync began. Needs no lock: fsync flushes every write already made to the file, by
    /// any handle, and a compaction that replaced the file fsynced the new one before its rename.
    /// </summary>
    public static (string? Generation, long Length) SyncToDisk(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0);
        var generation = ReadGeneration(stream);
        var length = stream.Length;
        stream.Flush(flushToDisk: true);
        return (generation, length);
    }

    /// <summary>
    /// Replaces the ledger with one full line per kept task: written to <c>&lt;path&gt;.tmp</c>, fsynced, then
    /// renamed over the ledger. A rename within a folder is atomic, so a crash at any point leaves either the old
    /// complete file or the new complete file, never a mix. Returns the new file's size.
    /// </summary>
    public static long Rewrite(
        string path, IReadOnlyList<LedgerEntry> entries, IReadOnlyList<LedgerSubmission> submissions, IReadOnlyList<LedgerBatch> batches, DateTimeOffset now)
    {
        var temporaryPath = path + ".tmp";
        long length;
        using (var stream = new FileStream(temporaryPath, FileMode.Create, FileAccess.Write, FileShare.None, ReadChunkBytes))
        {
            var header = new ArrayBufferWriter<byte>(256);
            WriteHeader(header, now);
            stream.Write(header.WrittenSpan);
            foreach (var batch in batches)
            {
                stream.Write(JsonSerializer.SerializeToUtf8Bytes(LedgerRecord.FromBatch(batch), LedgerJsonContext.Default.LedgerRecord));
                stream.WriteByte(NewLine);
            }

            foreach (var submission in submissions)
            {
                stream.Write(JsonSerializer.SerializeToUtf8Bytes(LedgerRecord.FromSubmission(submission), LedgerJsonContext.Default.LedgerRecord));
                stream.WriteByte(NewLine);
            }

            foreach (var entry in entries)
            {
                stream.Write(JsonSerializer.SerializeToUtf8Bytes(LedgerRecord.FromEntry(entry), LedgerJsonContext.Default.LedgerRecord));
                stream.WriteByte(NewLine);
            }

            stream.Flush(flushToDisk: true);
            length = stream.Length;
        }

        ReplaceWithRetry(temporaryPath, path);
        return length;
    }

    private static void WriteHeader(ArrayBufferWriter<byte> output, DateTimeOffset now)
    {
        var header = new LedgerHeader
        {
            Format = LedgerHeader.FormatName,
            Version = LedgerHeader.CurrentVersion,
            Generation = Guid.NewGuid().ToString("N"),
            CreatedAt = now,
        };
        output.Write(JsonSerializer.SerializeToUtf8Bytes(header, LedgerJsonContext.Default.LedgerHeader));
        output.Write([NewLine]);
    }

    // On Windows a virus scanner or indexer may hold the ledger open for a moment; waiting briefly beats failing.
    private static void ReplaceWithRetry(string temporaryPath, string path)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                File.Move(temporaryPath, path, overwrite: true);
                return;
            }
            catch (Exception busy) when (attempt < 10 && busy is IOException or UnauthorizedAccessException)
            {
                Thread.Sleep(20 * attempt);
            }
        }
    }

    private static string? ReadGeneration(FileStream stream)
    {
        Span<byte> probe = stackalloc byte[HeaderProbeBytes];
        stream.Position = 0;
        var read = stream.ReadAtLeast(probe, probe.Length, throwOnEndOfStream: false);
        var end = probe[..read].IndexOf(NewLine);
        return end < 0 ? null : TryReadHeader(SkipByteOrderMark(probe[..end]));
    }

    private static void FoldLines(FileStream stream, LedgerState state)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(ReadChunkBytes);
        try
        {
            var bufferStart = state.ConsumedBytes;
            var filled = 0;
            while (true)
            {
                if (filled == buffer.Length)
                {
                    // A single line longer than the buffer: grow rather than split it.
                    var larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                    buffer.AsSpan(0, filled).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }

                var read = stream.Read(buffer, filled, buffer.Length - filled);
                if (read == 0)
                {
                    break;
                }

                filled += read;
                var lineStart = 0;
                int lineLength;
                while ((lineLength = buffer.AsSpan(lineStart, filled - lineStart).IndexOf(NewLine)) >= 0)
                {
                    FoldLine(state, buffer.AsSpan(lineStart, lineLength), isFirstLine: bufferStart + lineStart == 0);
                    lineStart += lineLength + 1;
                    state.ConsumedBytes = bufferStart + lineStart;
                }

                buffer.AsSpan(lineStart, filled - lineStart).CopyTo(buffer);
                filled -= lineStart;
                bufferStart += lineStart;
            }

            state.HasTornTail = !IsBlank(buffer.AsSpan(0, filled));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static void FoldLine(LedgerState state, ReadOnlySpan<byte> line, bool isFirstLine)
    {
        if (isFirstLine)
        {
            line = SkipByteOrderMark(line);
            if (TryReadHeader(line) is { } generation)
            {
                state.Generation = generation;
                return;
            }
        }

        if (IsBlank(line))
        {
            return;
        }

        if (TryReadRecord(line) is { } record)
        {
            state.Apply(record);
        }
        else
        {
            state.CountCorruptLine();
        }
    }

    private static LedgerRecord? TryReadRecord(ReadOnlySpan<byte> line)
    {
        try
        {
            var record = JsonSerializer.Deserialize(line, LedgerJsonContext.Default.LedgerRecord);
            return record is null || (record.Kind is null && string.IsNullOrWhiteSpace(record.TaskId) && string.IsNullOrWhiteSpace(record.IdempotencyKey))
                ? null
                : record;
        }
        catch (Exception corrupt) when (corrupt is JsonException or InvalidOperationException or ArgumentException or FormatException)
        {
            return null;
        }
    }

    private static string? TryReadHeader(ReadOnlySpan<byte> line)
    {
        // Cheap pre-check: event lines never hold "format", so most lines never reach the parser here.
        if (line.IndexOf("\"format\""u8) < 0)
        {
            return null;
        }

        try
        {
            var header = JsonSerializer.Deserialize(line, LedgerJsonContext.Default.LedgerHeader);
            return header?.Format == LedgerHeader.FormatName && !string.IsNullOrEmpty(header.Generation) ? header.Generation : null;
        }
        catch (Exception corrupt) when (corrupt is JsonException or InvalidOperationException or ArgumentException or FormatException)
        {
            return null;
        }
    }

    private static ReadOnlySpan<byte> Utf8ByteOrderMark => [0xEF, 0xBB, 0xBF];

    // We never write a BOM, but a ledger saved by an editor may have gained one.
    private static ReadOnlySpan<byte> SkipByteOrderMark(ReadOnlySpan<byte> line) =>
        line.StartsWith(Utf8ByteOrderMark) ? line[Utf8ByteOrderMark.Length..] : line;

    private static bool IsBlank(ReadOnlySpan<byte> bytes) => bytes.Trim(" \t\r\n"u8).IsEmpty;
}
