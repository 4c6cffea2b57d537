namespace HiApi.Client.Tests;

/// <summary>Settling: a command that ends on an error lets work with side effects of its own (a paid submission) finish.</summary>
public sealed class BoundedWorkQueueTests
{
    [Fact]
    public void Settle_waits_for_every_piece_of_work_and_leaves_nothing_outstanding()
    {
        var queue = new BoundedWorkQueue<int, int>(4);
        var finished = 0;
        for (var i = 0; i < 3; i++)
        {
            var delay = 50 * (i + 1);
            queue.Start(i, async ct =>
            {
                await Task.Delay(delay, ct);
                Interlocked.Increment(ref finished);
                return delay;
            }, CancellationToken.None);
        }

        Assert.True(queue.Settle(TimeSpan.FromSeconds(30), CancellationToken.None));
        Assert.Equal(3, Volatile.Read(ref finished));
        Assert.Equal(0, queue.Outstanding);
    }

    [Fact]
    public void Settle_gives_up_at_its_limit_or_when_cancelled()
    {
        var queue = new BoundedWorkQueue<int, int>(1);
        var never = new TaskCompletionSource<int>();
        queue.Start(0, _ => never.Task, CancellationToken.None);

        Assert.False(queue.Settle(TimeSpan.FromMilliseconds(100), CancellationToken.None));
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        Assert.False(queue.Settle(TimeSpan.FromSeconds(30), cancelled.Token));
        Assert.Equal(1, queue.Outstanding);
        never.SetResult(1);
    }
}
