namespace HiApi.Client.Tests;

public sealed class RetryPolicyTests
{
    /// <summary>A Random whose NextDouble is fixed, to pin the jitter.</summary>
    private sealed class FixedRandom : Random
    {
        private readonly double _value;

        public FixedRandom(double value) => _value = value;

        public override double NextDouble() => _value;
    }

    private static readonly RetryPolicy Policy = new()
    {
        MaxRetries = 5,
        BaseDelay = TimeSpan.FromMilliseconds(500),
        MaxDelay = TimeSpan.FromSeconds(30),
    };

    [Fact]
    public void Default_IsFiveRetries_HalfASecondBase_ThirtySecondCeiling()
    {
        Assert.Equal(5, RetryPolicy.Default.MaxRetries);
        Assert.Equal(TimeSpan.FromSeconds(0.5), RetryPolicy.Default.BaseDelay);
        Assert.Equal(TimeSpan.FromSeconds(30), RetryPolicy.Default.MaxDelay);
    }

    [Theory]
    [InlineData(1, 500)]
    [InlineData(2, 1000)]
    [InlineData(3, 2000)]
    [InlineData(4, 4000)]
    [InlineData(7, 30000)]
    [InlineData(60, 30000)]
    [InlineData(int.MaxValue, 30000)]
    public void Ceiling_DoublesPerRetry_UpToMaxDelay(int retry, int ceilingMs)
    {
        var almostOne = Policy.GetDelay(retry, null, new FixedRandom(0.999999));

        Assert.InRange(almostOne.TotalMilliseconds, ceilingMs * 0.999, ceilingMs);
        Assert.Equal(TimeSpan.Zero, Policy.GetDelay(retry, null, new FixedRandom(0)));
    }

    [Fact]
    public void Jitter_IsFull_SpreadingOverTheWholeRange()
    {
        var random = new Random(1234);
        var delays = Enumerable.Range(0, 2000).Select(_ => Policy.GetDelay(3, null, random).TotalMilliseconds).ToArray();

        Assert.All(delays, d => Assert.InRange(d, 0, 2000));
        Assert.True(delays.Min() < 200, "full jitter reaches near zero");
        Assert.True(delays.Max() > 1800, "full jitter reaches near the ceiling");
    }

    [Fact]
    public void RetryAfter_WinsWhenLonger()
    {
        var delay = Policy.GetDelay(1, TimeSpan.FromSeconds(7), new FixedRandom(0.5));

        Assert.Equal(TimeSpan.FromSeconds(7), delay);
    }

    [Fact]
    public void RetryAfter_IsHonouredBeyondMaxDelay_ButCappedAtFiveMinutes()
    {
        Assert.Equal(TimeSpan.FromSeconds(90), Policy.GetDelay(1, TimeSpan.FromSeconds(90), new FixedRandom(0.5)));
        Assert.Equal(TimeSpan.FromMinutes(5), Policy.GetDelay(1, TimeSpan.FromHours(2), new FixedRandom(0.5)));
    }

    [Fact]
    public void ShorterRetryAfter_DoesNotShortenTheBackoff()
    {
        var delay = Policy.GetDelay(4, TimeSpan.FromMilliseconds(1), new FixedRandom(0.5));

        Assert.Equal(TimeSpan.FromSeconds(2), delay);
    }

    [Fact]
    public void RetryNumbers_StartAtOne() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => Policy.GetDelay(0, null, new Random(1)));

    [Fact]
    public void NegativeSettings_AreRejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new RetryPolicy { MaxRetries = -1 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new RetryPolicy { BaseDelay = TimeSpan.FromSeconds(-1) });
    }
}
