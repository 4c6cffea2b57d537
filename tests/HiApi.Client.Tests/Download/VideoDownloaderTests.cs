using System.Collections.Concurrent;
using System.Net;

namespace HiApi.Client.Tests;

public sealed class VideoDownloaderTests : DownloadTestBase
{
    private const long Size = 300_000;

    /// <summary>Collects progress synchronously (Progress&lt;T&gt; would post to the thread pool and race the assertions).</summary>
    private sealed class ProgressLog : IProgress<DownloadProgress>
    {
        public ConcurrentQueue<DownloadProgress> Reports { get; } = new();

        public void Report(DownloadProgress value) => Reports.Enqueue(value);
    }

    [Fact]
    public async Task StreamsTheVideo_ToTheTarget_AndLeavesNoTemporaryFile()
    {
        var handler = new FakeHttpHandler((request, _) => StorageResponses.Ranged(request, Size));
        var progress = new ProgressLog();

        var file = await new VideoDownloader(handler).DownloadAsync(SucceededTask(), Target, Options(progress: progress));

        Assert.Equal(Target, file.FullName);
        Assert.Equal(PatternStream.Expected(Size), await File.ReadAllBytesAsync(Target));
        Assert.Equal(new[] { Target }, LeftoverFiles());
        Assert.Equal(new DownloadProgress("tk-1", Size, Size), progress.Reports.Last());
        Assert.All(progress.Reports, p => Assert.InRange(p.BytesReceived, 0, Size));
    }

    [Fact]
    public async Task NeverSendsAnAuthorizationHeader_EvenToTheApiHost()
    {
        var handler = new FakeHttpHandler((request, _) => StorageResponses.Ranged(request, Size, failAt: request.Range is null ? 1000 : null));

        await new VideoDownloader(handler).DownloadAsync(SucceededTask("https://api.example.test/storage/tk-1.mp4?sig=1"), Target, Options());

        Assert.Equal(2, handler.Count);
        Assert.All(handler.Requests, r =>
        {
            Assert.Null(r.Authorization);
            Assert.DoesNotContain("Authorization", r.HeaderNames, StringComparer.OrdinalIgnoreCase);
        });
    }

    [Fact]
    public async Task ABodyCutShort_IsResumedWithARangeRequest()
    {
        var handler = new FakeHttpHandler((request, index) => index == 0
            ? StorageResponses.Full(Size, endCleanlyAt: 123_456)
            : StorageResponses.Ranged(request, Size));

        await new VideoDownloader(handler).DownloadAsync(SucceededTask(), Target, Options());

        Assert.Equal(PatternStream.Expected(Size), await File.ReadAllBytesAsync(Target));
        Assert.Equal("bytes=123456-", handler.Requests[1].Range);
    }

    [Fact]
    public async Task EachFailedAttempt_IsTold_WithWhereTheRetryResumes()
    {
        var handler = new FakeHttpHandler((request, index) => index == 0
            ? StorageResponses.Full(Size, endCleanlyAt: 123_456)
            : StorageResponses.Ranged(request, Size));
        var told = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var options = new DownloadOptions { RetryPolicy = Options().RetryPolicy, Log = told.Enqueue };

        await new VideoDownloader(handler).DownloadAsync(SucceededTask(), Target, options);

        var line = Assert.Single(told);
        Assert.StartsWith("tk-1: download attempt 1 ended at byte 123456:", line);
        Assert.EndsWith("resuming from byte 123456.", line);
    }

    [Fact]
    public async Task AConnectionDroppedMidBody_IsResumed()
    {
        var handler = new FakeHttpHandler((request, index) => index switch
        {
            0 => StorageResponses.Full(Size, failAt: 100_000),
            1 => StorageResponses.Ranged(request, Size, failAt: 200_000),
            _ => StorageResponses.Ranged(request, Size),
        });

        await new VideoDownloader(handler).DownloadAsync(SucceededTask(), Target, Options());

        Assert.Equal(PatternStream.Expected(Size), await File.ReadAllBytesAsync(Target));
        Assert.Equal(new string?[] { null, "bytes=100000-", "bytes=200000-" }, handler.Requests.Select(r => r.Range));
    }

    [Fact]
    public async Task AServerIgnoringRange_RestartsInsteadOfAppendingTwice()
    {
        var handler = new FakeHttpHandler((_, index) => index == 0
            ? StorageResponses.Full(Size, failAt: 50_000)
            : StorageResponses.Full(Size));

        await new VideoDownloader(handler).DownloadAsync(SucceededTask(), Target, Options());

        Assert.Equal(PatternStream.Expected(Size), await File.ReadAllBytesAsync(Target));
    }

    [Fact]
    public async Task TransientStorageErrors_AreRetried_HonouringRetryAfter()
    {
        var handler = new FakeHttpHandler((request, index) =>
        {
            if (index == 0)
            {
                var busy = FakeHttpHandler.Text(503, "busy", "text/plain");
                busy.Headers.TryAddWithoutValidation("Retry-After", "2");
                return busy;
            }

            return index == 1 ? FakeHttpHandler.Text(429, "slow down", "text/plain") : StorageResponses.Ranged(request, Size);
        });

        await new VideoDownloader(handler).DownloadAsync(SucceededTask(), Target, Options());

        Assert.Equal(3, handler.Count);
        Assert.Equal(TimeSpan.FromSeconds(2), Delays.First());
        Assert.True(File.Exists(Target));
    }

    [Fact]
    public async Task PersistentFailure_LeavesNeitherTheVideoNorATemporaryFile()
    {
        var handler = new FakeHttpHandler((_, _) => StorageResponses.Full(Size, failAt: 0));

        var exception = await Assert.ThrowsAsync<HiApiException>(() =>
            new VideoDownloader(handler).DownloadAsync(SucceededTask(), Target, Options(maxRetries: 2)));

        Assert.Equal(HiApiErrorKind.Network, exception.Kind);
        Assert.Equal("tk-1", exception.TaskId);
        Assert.Equal(3, handler.Count);
        Assert.Empty(LeftoverFiles());
    }

    [Fact]
    public async Task Cancellation_DeletesTheTemporaryFile()
    {
        using var cts = new CancellationTokenSource();
        var handler = new FakeHttpHandler((_, _) =>
        {
            var response = StorageResponses.Full(Size);
            response.Content = new StreamContent(new CancellingStream(cts, new PatternStream(0, Size)));
            response.Content.Headers.ContentLength = Size;
            return response;
        });

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            new VideoDownloader(handler).DownloadAsync(SucceededTask(), Target, Options(), cts.Token));

        Assert.Empty(LeftoverFiles());
    }

    [Fact]
    public async Task AnExistingFileOfAnotherLength_IsNotTouchedWithoutForce_AndTheBodyIsNeverRead()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Target)!);
        await File.WriteAllTextAsync(Target, "precious");
        // A body that fails at its first byte: reading it would be a network error and a retry, not this refusal.
        var handler = new FakeHttpHandler((_, _) => StorageResponses.Full(Size, failAt: 0));

        var exception = await Assert.ThrowsAsync<HiApiException>(() =>
            new VideoDownloader(handler).DownloadAsync(SucceededTask(), Target, Options()));

        Assert.Equal(HiApiErrorKind.FileExists, exception.Kind);
        Assert.Equal($"'{Target}' already exists and holds another file (8 bytes; the video of task tk-1 has {Size}); use -Force to overwrite it.", exception.Message);
        Assert.Equal(1, handler.Count);
        Assert.Equal("precious", await File.ReadAllTextAsync(Target));
        Assert.Equal(new[] { Target }, LeftoverFiles());
    }

    [Fact]
    public async Task Force_ReplacesAnExistingFile()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Target)!);
        await File.WriteAllTextAsync(Target, "old");
        var handler = new FakeHttpHandler((request, _) => StorageResponses.Ranged(request, Size));

        await new VideoDownloader(handler).DownloadAsync(SucceededTask(), Target, Options(force: true));

        Assert.Equal(Size, new FileInfo(Target).Length);
    }

    [Fact]
    public async Task AFailedDownloadWithForce_KeepsTheOldFile()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Target)!);
        await File.WriteAllTextAsync(Target, "old");
        var handler = new FakeHttpHandler((_, _) => StorageResponses.Full(Size, failAt: 10));

        await Assert.ThrowsAsync<HiApiException>(() =>
            new VideoDownloader(handler).DownloadAsync(SucceededTask(), Target, Options(force: true, maxRetries: 1)));

        Assert.Equal("old", await File.ReadAllTextAsync(Target));
        Assert.Single(LeftoverFiles());
    }

    [Theory]
    [InlineData(HiApiTaskStatus.Queued, "is queued")]
    [InlineData(HiApiTaskStatus.Handling, "is handling")]
    [InlineData(HiApiTaskStatus.Fail, "failed (generation_failed: boom)")]
    [InlineData(HiApiTaskStatus.Unknown, "is unknown")]
    public async Task ATaskThatIsNotSuccess_IsNotReady(HiApiTaskStatus status, string said)
    {
        var handler = new FakeHttpHandler((request, _) => StorageResponses.Ranged(request, Size));
        var task = new HiApiTask("tk-7") { Status = status, Error = status == HiApiTaskStatus.Fail ? new TaskError("generation_failed", "boom") : null };

        var exception = await Assert.ThrowsAsync<HiApiException>(() => new VideoDownloader(handler).DownloadAsync(task, Target, Options()));

        Assert.Equal(HiApiErrorKind.NotReady, exception.Kind);
        Assert.Contains("tk-7", exception.Message);
        // "Task tk-7 failed (...)", not "is fail": the status in words a person says.
        Assert.Contains($"tk-7 {said}", exception.Message);
        Assert.Equal(0, handler.Count);
    }

    [Fact]
    public async Task AnExpiredUrl_IsRefusedBeforeAnyRequest()
    {
        var handler = new FakeHttpHandler((request, _) => StorageResponses.Ranged(request, Size));
        var task = SucceededTask(expiresAt: DateTimeOffset.UtcNow.AddMinutes(-1));

        var exception = await Assert.ThrowsAsync<HiApiException>(() => new VideoDownloader(handler).DownloadAsync(task, Target, Options()));

        Assert.Equal(HiApiErrorKind.OutputExpired, exception.Kind);
        Assert.Contains("expired", exception.Message);
        Assert.Equal(0, handler.Count);
    }

    [Fact]
    public async Task StorageSayingExpired_IsOutputExpired_NotRetried()
    {
        var handler = new FakeHttpHandler((_, _) => FakeHttpHandler.Text(403, "<Error><Message>Request has expired</Message></Error>", "application/xml"));

        var exception = await Assert.ThrowsAsync<HiApiException>(() =>
            new VideoDownloader(handler).DownloadAsync(SucceededTask(), Target, Options()));

        Assert.Equal(HiApiErrorKind.OutputExpired, exception.Kind);
        Assert.Equal(403, exception.StatusCode);
        Assert.Contains("Request has expired", exception.Message);
        Assert.Equal(1, handler.Count);
        Assert.Empty(LeftoverFiles());
    }

    [Fact]
    public async Task NotFound_IsNotRetried()
    {
        var handler = new FakeHttpHandler((_, _) => FakeHttpHandler.Text(404, "no such key", "text/plain"));

        var exception = await Assert.ThrowsAsync<HiApiException>(() =>
            new VideoDownloader(handler).DownloadAsync(SucceededTask(), Target, Options()));

        Assert.Equal(HiApiErrorKind.NotFound, exception.Kind);
        Assert.Equal(1, handler.Count);
    }

    [Fact]
    public async Task MoreBytesThanAnnounced_IsAnInvalidResponse()
    {
        var handler = new FakeHttpHandler((_, _) =>
        {
            var response = StorageResponses.Full(Size);
            response.Content.Headers.ContentLength = Size - 10;
            return response;
        });

        var exception = await Assert.ThrowsAsync<HiApiException>(() =>
            new VideoDownloader(handler).DownloadAsync(SucceededTask(), Target, Options()));

        Assert.Equal(HiApiErrorKind.InvalidResponse, exception.Kind);
        Assert.Empty(LeftoverFiles());
    }

    [Fact]
    public async Task ASuccessWithoutVideo_IsAnInvalidResponse()
    {
        var task = new HiApiTask("tk-1") { Status = HiApiTaskStatus.Success };

        var exception = await Assert.ThrowsAsync<HiApiException>(() =>
            new VideoDownloader(new FakeHttpHandler((_, _) => StorageResponses.Full(1))).DownloadAsync(task, Target, Options()));

        Assert.Equal(HiApiErrorKind.InvalidResponse, exception.Kind);
    }

    [Fact]
    public async Task ATargetThatIsADirectory_IsRefused()
    {
        Directory.CreateDirectory(Target);

        var exception = await Assert.ThrowsAsync<HiApiException>(() =>
            new VideoDownloader(new FakeHttpHandler((_, _) => StorageResponses.Full(1))).DownloadAsync(SucceededTask(), Target, Options()));

        Assert.Equal(HiApiErrorKind.FileExists, exception.Kind);
    }

    /// <summary>Cancels the download's token after the first chunk, as Ctrl+C would.</summary>
    private sealed class CancellingStream : ReadOnlyTestStream
    {
        private readonly CancellationTokenSource _cts;
        private readonly Stream _inner;
        private int _reads;

        public CancellingStream(CancellationTokenSource cts, Stream inner)
        {
            _cts = cts;
            _inner = inner;
        }

        public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count).GetAwaiter().GetResult();

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (++_reads == 2)
            {
                _cts.Cancel();
            }

            cancellationToken.ThrowIfCancellationRequested();
            return await _inner.ReadAsync(buffer, cancellationToken);
        }
    }
}
