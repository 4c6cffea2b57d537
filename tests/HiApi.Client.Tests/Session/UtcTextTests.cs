using System.Globalization;
using HiApi.Client;
using Xunit;

namespace HiApi.Client.Tests.Session;

/// <summary>A time a person reads is ISO order in UTC, whatever the culture and time zone of the machine.</summary>
public sealed class UtcTextTests
{
    [Fact]
    public void Writes_ISO_UTC_in_any_culture()
    {
        var saved = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = new CultureInfo("ar-SA");
            var at = new DateTimeOffset(2026, 6, 12, 15, 45, 30, TimeSpan.FromHours(2));

            Assert.Equal("2026-06-12 13:45 UTC", UtcText.Minutes(at));
            Assert.Equal("13:45:30 UTC", UtcText.TimeOfDay(at));
        }
        finally
        {
            CultureInfo.CurrentCulture = saved;
        }
    }
}
