using System.Diagnostics;
using System.Net;
using System.Text;

namespace HiApi.Client.Tests;

/// <summary>
/// A dead or hostile API must not hold a cmdlet for minutes or cost gigabytes: each attempt has a timeout, all the
/// attempts of one request share a budget, and an answer is read only up to a size a task could have.
/// </summary>
public sealed class DeadlineAndCapTests
{
    private static FakeHttpHandler NeverAnswers() => new(async (_, _, ct) =>
    {
        await Task.Delay(Timeout.Infinite, ct);
        throw new InvalidOperationException("unreachable");
    });

    [Fact]
    public async Task A_dead_api_fails_within_the_retry_budget_not_after_every_timeout()
    {
        var handler = NeverAnswers();
        // No backoff, so the time is the attempts' alone and a slow machine only makes fewer of them.
        var policy = new RetryPolicy { MaxRetries = 20, BaseDelay = TimeSpan.Zero };
        var client = TestClients.Create(
            handler, policy, requestTimeout: TimeSpan.FromMilliseconds(400), retryBudget: TimeSpan.FromSeconds(1));

        var watch = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<HiApiException>(() => client.GetTaskAsync("tk-1"));
        watch.Stop();

        Assert.Equal(HiApiErrorKind.Network, error.Kind);
        // Without the budget: 21 attempts x 0.4 s = 8.4 s. With it: three attempts, about 1.2 s.
        Assert.InRange(watch.Elapsed.TotalSeconds, 0.3, 5);
        Assert.InRange(handler.Count, 1, 3);
    }

    [Fact]
    public void The_defaults_make_a_dead_api_fail_in_well_under_a_minute()
    {
        var options = new HiApiClientOptions();

        Assert.Equal(TimeSpan.FromSeconds(15), options.RequestTimeout);
        Assert.Equal(TimeSpan.FromSeconds(30), options.RetryBudget);
    }

    [Fact]
    public async Task An_announced_huge_answer_is_refused_without_reading_it()
    {
        var body = new CountingStream(long.MaxValue);
        var handler = new FakeHttpHandler((_, _) =>
        {
            var content = new StreamContent(body);
            content.Headers.ContentLength = 3L * 1024 * 1024 * 1024;
            content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
            return new HttpResponseMessage(HttpStatusCode.OK) { Content = content };
        });
        var client = TestClients.Create(handler);

        var error = await Assert.ThrowsAsync<HiApiException>(() => client.GetTaskAsync("tk-1"));

        Assert.Equal(HiApiErrorKind.InvalidResponse, error.Kind);
        Assert.Contains("larger than 1048576 bytes", error.Message);
        Assert.Equal(1, handler.Count);
        Assert.Equal(0, body.BytesRead);
    }

    [Fact]
    public async Task An_unannounced_huge_answer_is_cut_at_the_cap()
    {
        var body = new CountingStream(long.MaxValue);
        var handler = new FakeHttpHandler((_, _) =>
            new HttpResponseMessage(HttpStatusCode.OK) { Content = new StreamContent(body) });
        var client = TestClients.Create(handler);

        var error = await Assert.ThrowsAsync<HiApiException>(() => client.GetTaskAsync("tk-1"));

        Assert.Equal(HiApiErrorKind.InvalidResponse, error.Kind);
        Assert.InRange(body.BytesRead, 1024 * 1024, 2 * 1024 * 1024);
    }

    [Fact]
    public async Task A_huge_error_page_is_read_only_for_its_message()
    {
        var body = new CountingStream(long.MaxValue);
        var handler = new FakeHttpHandler((_, _) =>
            new HttpResponseMessage(HttpStatusCode.BadGateway) { Content = new StreamContent(body) });
        var client = TestClients.Create(handler, TestClients.InstantRetries(maxRetries: 0));

        var error = await Assert.ThrowsAsync<HiApiException>(() => client.GetTaskAsync("tk-1"));

        Assert.Equal(HiApiErrorKind.ServerError, error.Kind);
        Assert.InRange(body.BytesRead, 1, 128 * 1024);
    }

    /// <summary>An endless body of spaces (valid JSON whitespace) that counts what was read.</summary>
    private sealed class CountingStream(long length) : Stream
    {
        private long _read;

        public long BytesRead => Interlocked.Read(ref _read);

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => length;
        public override long Position { get => _read; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = (int)Math.Min(count, length - _read);
            buffer.AsSpan(offset, n).Fill((byte)' ');
            Interlocked.Add(ref _read, n);
            return n;
        }

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
