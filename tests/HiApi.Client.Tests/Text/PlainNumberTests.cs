namespace HiApi.Client.Tests;

/// <summary>The one rule for a number written as text: the same in every culture, and nothing guessed.</summary>
public sealed class PlainNumberTests
{
    [Theory]
    [InlineData("0.05", "0.05")]
    [InlineData(" 2.50 ", "2.50")]
    [InlineData("10", "10")]
    [InlineData(".5", "0.5")]
    public void Digits_and_a_point_are_read_the_same_in_every_culture(string text, string expected)
    {
        var before = System.Globalization.CultureInfo.CurrentCulture;
        try
        {
            System.Globalization.CultureInfo.CurrentCulture = new System.Globalization.CultureInfo("de-DE");
            Assert.True(PlainNumber.TryParse(text, out var value));
            Assert.Equal(decimal.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), value);
        }
        finally
        {
            System.Globalization.CultureInfo.CurrentCulture = before;
        }
    }

    [Theory]
    [InlineData("0,05")]
    [InlineData("1,000.5")]
    [InlineData("$0.05")]
    [InlineData("0.05 USD")]
    [InlineData("-1")]
    [InlineData("1e2")]
    [InlineData("0x10")]
    [InlineData("1kb")]
    [InlineData("")]
    [InlineData("  ")]
    [InlineData(null)]
    public void Anything_else_is_refused(string? text)
    {
        Assert.False(PlainNumber.TryParse(text, out _));
    }
}
