namespace HiApi.Bench.Reporting;

/// <summary>
/// The machine's load average (1, 5, 15 minutes), printed with the table: on a shared 2-core machine, other work
/// running during the benchmark moves the timing rows, and the reader must be able to see that it did.
/// </summary>
internal static class LoadAverage
{
    public static string Read()
    {
        try
        {
            var fields = File.ReadAllText("/proc/loadavg").Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return fields.Length >= 3 ? $"{fields[0]} / {fields[1]} / {fields[2]}" : "unknown";
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return "unknown";
        }
    }
}
