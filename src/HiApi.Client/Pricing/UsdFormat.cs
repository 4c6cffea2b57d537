using System.Globalization;

namespace HiApi.Client;

/// <summary>How the module writes an amount of US dollars: at least cents, every digit the price list gave, never rounded.</summary>
public static class UsdFormat
{
    /// <summary>"$0.045", "$1.50": an estimate is shown exactly, so a hand calculation from the price list matches it.</summary>
    public static string Format(decimal usd) =>
        (usd < 0 ? "-$" : "$") + Math.Abs(usd).ToString("0.00############################", CultureInfo.InvariantCulture);

    /// <summary>"$0.015/s": a price per generated second.</summary>
    public static string PerSecond(decimal usdPerSecond) => Format(usdPerSecond) + "/s";
}
