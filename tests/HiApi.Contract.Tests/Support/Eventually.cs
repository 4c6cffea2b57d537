namespace HiApi.Contract.Tests.Support;

/// <summary>Waits for a condition instead of sleeping a fixed time: robust on a loaded machine.</summary>
public static class Eventually
{
    public static async Task TrueAsync(Func<bool> condition, string because, TimeSpan? within = null)
    {
        var deadline = DateTime.UtcNow + (within ?? TimeSpan.FromSeconds(30));
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"Timed out waiting until {because}.");
            await Task.Delay(10);
        }
    }
}
