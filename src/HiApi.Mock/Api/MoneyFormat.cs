using System.Globalization;

namespace HiApi.Mock.Api;

/// <summary>Amounts in messages: invariant culture, no trailing zeros (0.06, not 0.0600).</summary>
internal static class MoneyFormat
{
    public static string Format(decimal amount) => amount.ToString("0.############################", CultureInfo.InvariantCulture);
}
