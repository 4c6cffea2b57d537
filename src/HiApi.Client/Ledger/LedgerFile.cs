using System.Buffers;
using System.Text.Json;

namespace HiApi.Client;

/// <summary>
/// The ledger's on-disk format: JSON Lines (UTF-8, one event per line) behind a header line. Callers must hold
/// the <see cref="LedgerFileLock"/> for every method here except <see cref="SyncToDisk"/>; nothing else in this
/// class is safe without it. Every path here is the resolved ledger file (see <see cref="LedgerPaths.ResolveTarget"/>).
/// </summary>
internal static class LedgerFile
{
    /// <summary>
    /// The longest line the reader folds. This module's lines are a few hundred bytes (a prompt is at most a few
    /// thousand characters); a longer one is damage or a foreign file, and is skipped while streaming, never held
    /// in memory whole. Writes refuse to produce a line the reader would skip.
    /// </summary>
    public const int MaxLineBytes = 1024 * 1024;

    private const byte NewLine = (byte)'\n';
    private const int ReadChunkBytes = 64 * 1024;

    /// <summary>
    /// Brings <paramref name="cached"/> up to date with the file, reading only what was appended since, or folds
    /// the file from the start when there is no usable cache (first read, or a file that was replaced: shorter than
    /// what was read, or other bytes where the cache read them). The file is streamed in chunks, so memory stays
    /// small for any ledger size and any line length. Corrupt and over-long lines are skipped and counted, a torn
    /// last line (no newline yet) is left unread: a line counts only once its newline is on disk. Never throws on
    /// bad content, only on I/O failure.
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
            var state = cached is not null && cached.Fingerprint.StillHolds(stream.SafeFileHandle, length) ? cached : new LedgerState();
            if (state.ConsumedBytes == length && !state.HasTornTail)
            {
                return state; // nothing appended since
            }

            stream.Position = state.ConsumedBytes;
            FoldLines(stream, state);
            if (state.Fingerprint.Length != state.ConsumedBytes)
            {
                state.Fingerprint = LedgerFingerprint.Take(stream.SafeFileHandle, state.ConsumedBytes);
            }

            return state;
        }
    }

    /// <summary>
    /// Appends one event as a single write at the file's end (the kernel's end, see <see cref="LedgerAppendFile"/>)
    /// and returns the file length after it. The write survives a crash of the process at once (it is in the OS's
    /// cache); it survives a crash of the machine once the file is fsynced, which <see cref="SyncToDisk"/> does (one
    /// fsync for every write made before it began). A file created here starts with a header. If an earlier writer
    /// died mid-line, a newline is written first so the fragment stays one (skipped) line and never swallows this
    /// event.
    /// </summary>
    /// <exception cref="IOException">The event would make a line longer than <see cref="MaxLineBytes"/>.</exception>
    public static long Append(string path, LedgerRecord record, DateTimeOffset now)
    {
        var line = new ArrayBufferWriter<byte>(512);
        using var stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0);
        var length = stream.Length;
        if (length == 0)
        {
            WriteHeader(line, new LedgerHeader(), now);
        }
        else
        {
            stream.Position = length - 1;
            if (stream.ReadByte() != NewLine)
            {
                line.Write([NewLine]);
            }
        }

        WriteLine(line, JsonSerializer.SerializeToUtf8Bytes(record, LedgerJsonContext.Default.LedgerRecord));
        LedgerAppendFile.Append(path, line.WrittenSpan);
        return stream.Length;
    }

    /// <summary>
    /// Fsyncs the ledger file as it is now and returns what that made durable: the fingerprint of the file it synced
    /// and its length when the fsync began. Needs no lock: fsync flushes every write already made to the file, by
    /// any handle, and a compaction that replaced the file fsynced the new one before its rename.
    /// </summary>
    public static (LedgerFingerprint File, long Length) SyncToDisk(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0);
        var length = stream.Length;
        var file = LedgerFingerprint.Take(stream.SafeFileHandle, length);
        stream.Flush(flushToDisk: true);
        return (file, length);
    }

    /// <summary>
    /// Replaces the ledger with its folded state: a header, every line of a kind this version does not know (byte
    /// for byte), one full line per kept batch, submission and task (fields this version does not know included). Written
    /// to <c>&lt;path&gt;.tmp</c>, fsynced, then put in the ledger's place by <paramref name="replace"/> (one
    /// attempt, see <see cref="LedgerFileReplacement"/>), which is atomic: a crash at any point leaves either the
    /// old complete file or the new complete file, never a mix. If the replace fails, the ledger is left as it was
    /// and the temporary file is removed. Returns the new file's size.
    /// </summary>
    public static long Rewrite(
        string path,
        LedgerState state,
        IReadOnlyList<LedgerEntry> entries,
        IReadOnlyList<LedgerSubmission> submissions,
        IReadOnlyList<LedgerBatch> batches,
        DateTimeOffset now,
        Action<string, string> replace)
    {
        var temporaryPath = path + ".tmp";
        long length;
        using (var stream = new FileStream(temporaryPath, FileMode.Create, FileAccess.Write, FileShare.None, ReadChunkBytes))
        {
            var line = new ArrayBufferWriter<byte>(512);
            WriteHeader(line, new LedgerHeader { UnknownFields = state.Header?.UnknownFields }, now);
            foreach (var unknown in state.UnknownKindLines)
            {
                WriteLine(line, unknown);
                Flush(line, stream);
            }

            foreach (var batch in batches)
            {
                WriteLine(line, JsonSerializer.SerializeToUtf8Bytes(LedgerRecord.FromBatch(batch), LedgerJsonContext.Default.LedgerRecord));
                Flush(line, stream);
            }

            foreach (var submission in submissions)
            {
                WriteLine(line, JsonSerializer.SerializeToUtf8Bytes(LedgerRecord.FromSubmission(submission), LedgerJsonContext.Default.LedgerRecord));
                Flush(line, stream);
            }

            foreach (var entry in entries)
            {
                WriteLine(line, JsonSerializer.SerializeToUtf8Bytes(LedgerRecord.FromEntry(entry), LedgerJsonContext.Default.LedgerRecord));
                Flush(line, stream);
            }

            Flush(line, stream);
            stream.Flush(flushToDisk: true);
            length = stream.Length;
        }

        try
        {
            replace(temporaryPath, path);
        }
        catch
        {
            TryDelete(temporaryPath);
            throw;
        }

        return length;
    }

    private static void Flush(ArrayBufferWriter<byte> line, FileStream stream)
    {
        stream.Write(line.WrittenSpan);
        line.ResetWrittenCount();
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception busy) when (busy is IOException or UnauthorizedAccessException)
        {
            // Overwritten by the next compaction; the ledger itself is untouched.
        }
    }

    private static void WriteHeader(ArrayBufferWriter<byte> output, LedgerHeader header, DateTimeOffset now)
    {
        header.Format = LedgerHeader.FormatName;
        header.Version = LedgerHeader.WrittenVersion;
        header.Generation = Guid.NewGuid().ToString("N");
        header.CreatedAt = now;
        WriteLine(output, JsonSerializer.SerializeToUtf8Bytes(header, LedgerJsonContext.Default.LedgerHeader));
    }

    private static void WriteLine(ArrayBufferWriter<byte> output, ReadOnlySpan<byte> json)
    {
        if (json.Length > MaxLineBytes)
        {
            throw new IOException(
                $"A task ledger line would be {json.Length / 1024} KiB, over the {MaxLineBytes / 1024} KiB a ledger line may have; it was not written.");
        }

        output.Write(json);
        output.Write([NewLine]);
    }

    private static void FoldLines(FileStream stream, LedgerState state)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(ReadChunkBytes);
        try
        {
            var bufferStart = state.ConsumedBytes;
            var filled = 0;
            var skipping = false; // inside a line over MaxLineBytes: its bytes are dropped until its newline
            while (true)
            {
                if (filled == buffer.Length)
                {
                    if (filled > MaxLineBytes)
                    {
                        skipping = true;
                        bufferStart += filled;
                        filled = 0;
                    }
                    else
                    {
                        // A line longer than the buffer but within the cap: grow rather than split it.
                        var larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                        buffer.AsSpan(0, filled).CopyTo(larger);
                        ArrayPool<byte>.Shared.Return(buffer);
                        buffer = larger;
                    }
                }

                var read = stream.Read(buffer, filled, buffer.Length - filled);
                if (read == 0)
                {
                    break;
                }

                filled += read;
                var lineStart = 0;
                if (skipping)
                {
                    var end = buffer.AsSpan(0, filled).IndexOf(NewLine);
                    if (end < 0)
                    {
                        bufferStart += filled;
                        filled = 0;
                        continue;
                    }

                    skipping = false;
                    state.CountCorruptLine();
                    lineStart = end + 1;
                    state.ConsumedBytes = bufferStart + lineStart;
                }

                int lineLength;
                while ((lineLength = buffer.AsSpan(lineStart, filled - lineStart).IndexOf(NewLine)) >= 0)
                {
                    if (lineLength > MaxLineBytes)
                    {
                        state.CountCorruptLine();
                    }
                    else
                    {
                        FoldLine(state, buffer.AsSpan(lineStart, lineLength), isFirstLine: bufferStart + lineStart == 0);
                    }

                    lineStart += lineLength + 1;
                    state.ConsumedBytes = bufferStart + lineStart;
                }

                buffer.AsSpan(lineStart, filled - lineStart).CopyTo(buffer);
                filled -= lineStart;
                bufferStart += lineStart;
            }

            state.HasTornTail = skipping || !IsBlank(buffer.AsSpan(0, filled));
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
            if (TryReadHeader(line) is { } header)
            {
                state.Header = header;
                return;
            }
        }

        if (IsBlank(line))
        {
            return;
        }

        var record = TryReadRecord(line);
        if ((record is null ? TryReadKind(line) : record.Kind) is { } kind && !LedgerRecordKinds.IsKnown(kind))
        {
            state.KeepUnknownKindLine(line); // a newer version's record: never a task here, kept by compaction
            return;
        }

        if (record is null || (record.Kind is null && string.IsNullOrWhiteSpace(record.TaskId) && string.IsNullOrWhiteSpace(record.IdempotencyKey)))
        {
            state.CountCorruptLine();
            return;
        }

        var damaged = DropUnusableSaves(record);
        try
        {
            state.Apply(record);
        }
        catch (Exception poisoned) when (poisoned is ArgumentException or InvalidOperationException or FormatException)
        {
            // A value no check above foresaw must cost this line, never every later read of the ledger.
            damaged = true;
        }

        if (damaged)
        {
            state.CountCorruptLine();
        }
    }

    /// <summary>
    /// Removes saved files that cannot be one (a missing or blank path, a NUL in it, a negative length): folded in,
    /// they would mark the task saved (so it is never resumed) and fail every later save of it on the path. The rest
    /// of the line still counts. Returns whether something was removed.
    /// </summary>
    private static bool DropUnusableSaves(LedgerRecord record)
    {
        var dropped = false;
        if (record.SavedPath is { } path && !IsUsableSave(path, record.SavedLength ?? 0))
        {
            record.SavedPath = null;
            record.SavedLength = null;
            record.SavedSha256 = null;
            record.SavedAt = null;
            dropped = true;
        }
        else if (record.SavedPath is null && (record.SavedLength is not null || record.SavedAt is not null))
        {
            record.SavedLength = null;
            record.SavedAt = null;
        }

        if (record.SavedSha256 is { } hash && !SavedFileHash.IsWellFormed(hash))
        {
            record.SavedSha256 = null; // a hash that cannot be one proves nothing: the save is checked as an older one
        }

        if (record.SavedFiles is { } files)
        {
            dropped |= files.RemoveAll(file => file is null || !IsUsableSave(file.Path, file.Length)) > 0;
            for (var i = 0; i < files.Count; i++)
            {
                if (files[i].Sha256 is { } fileHash && !SavedFileHash.IsWellFormed(fileHash))
                {
                    files[i] = files[i] with { Sha256 = null };
                }
            }
            if (files.Count == 0)
            {
                record.SavedFiles = null;
            }
        }

        return dropped;
    }

    private static bool IsUsableSave(string? path, long length) =>
        !string.IsNullOrWhiteSpace(path) && !path.Contains('\0') && length >= 0;

    private static LedgerRecord? TryReadRecord(ReadOnlySpan<byte> line)
    {
        try
        {
            return JsonSerializer.Deserialize(line, LedgerJsonContext.Default.LedgerRecord);
        }
        catch (Exception corrupt) when (corrupt is JsonException or InvalidOperationException or ArgumentException or FormatException)
        {
            return null;
        }
    }

    /// <summary>
    /// The <c>kind</c> of a line that is JSON but not a record this version can read (a newer kind may use a known
    /// field name for another type): enough to keep it rather than drop it as corrupt.
    /// </summary>
    private static string? TryReadKind(ReadOnlySpan<byte> line)
    {
        try
        {
            var reader = new Utf8JsonReader(line);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return null;
            }

            string? kind = null;
            while (reader.Read()) // to the end: only a whole, valid JSON line is kept
            {
                if (reader.CurrentDepth == 1 && reader.TokenType == JsonTokenType.PropertyName && reader.ValueTextEquals("kind"u8))
                {
                    reader.Read();
                    kind = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                }
            }

            return kind;
        }
        catch (Exception corrupt) when (corrupt is JsonException or InvalidOperationException)
        {
            return null;
        }
    }

    private static LedgerHeader? TryReadHeader(ReadOnlySpan<byte> line)
    {
        // Cheap pre-check: event lines never hold "format", so most lines never reach the parser here.
        if (line.IndexOf("\"format\""u8) < 0)
        {
            return null;
        }

        try
        {
            var header = JsonSerializer.Deserialize(line, LedgerJsonContext.Default.LedgerHeader);
            return header?.Format == LedgerHeader.FormatName ? header : null;
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
