using System.Globalization;

namespace HiApi.Bench.Measurement;

/// <summary>How figures are written in the table: always with a unit, invariant culture.</summary>
internal static class Units
{
    public const double MiB = 1024 * 1024;

    public static string Seconds(TimeSpan value) => value.TotalSeconds >= 100
        ? F("{0:0} s", value.TotalSeconds)
        : F("{0:0.00} s", value.TotalSeconds);

    public static string Millis(TimeSpan value) => value.TotalMilliseconds >= 1000
        ? Seconds(value)
        : F("{0:0} ms", value.TotalMilliseconds);

    public static string Micros(double microseconds) => F("{0:0} µs", microseconds);

    public static string Mebibytes(long bytes) => F("{0:0.0} MiB", bytes / MiB);

    /// <summary>Decimal megabytes per second, as curl and most tools print them.</summary>
    public static string MegabytesPerSecond(double bytesPerSecond) => F("{0:0} MB/s", bytesPerSecond / 1e6);

    public static string Ratio(double value) => F("{0:0.00}x", value);

    public static string Number(double value, string format = "0.00") => value.ToString(format, CultureInfo.InvariantCulture);

    public static string F(string format, params object[] args) => string.Format(CultureInfo.InvariantCulture, format, args);
}
