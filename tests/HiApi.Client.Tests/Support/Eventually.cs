namespace HiApi.Client.Tests;

/// <summary>Polls for a condition instead of sleeping a fixed time: robust on a loaded machine.</summary>
public static class Eventually
{
    public static async Task TrueAsync(Func<bool> condition, string because, TimeSpan? within = null)
    {
        var deadline = DateTime.UtcNow + (within ?? TimeSpan.FromSeconds(20));
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Timed out waiting until {because}.");
            }

            await Task.Delay(10);
        }
    }

    /// <summary>The same for a condition that does I/O: awaited, so no thread is blocked while the product needs one.</summary>
    public static async Task TrueAsync(Func<Task<bool>> condition, string because, TimeSpan? within = null)
    {
        var deadline = DateTime.UtcNow + (within ?? TimeSpan.FromSeconds(20));
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Timed out waiting until {because}.");
            }

            await Task.Delay(10);
        }
    }

    public static async Task<T> WithinAsync<T>(Task<T> task, TimeSpan? within = null)
    {
        var limit = within ?? TimeSpan.FromSeconds(30);
        return await task.WaitAsync(limit);
    }

    public static async Task<T> WithinAsync<T>(ValueTask<T> task, TimeSpan? within = null) =>
        await WithinAsync(task.AsTask(), within);
}
