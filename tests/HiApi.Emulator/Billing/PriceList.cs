using System.Text.Json;
using HiApi.Emulator.Json;

namespace HiApi.Emulator.Billing;

/// <summary>
/// The emulator's prices, in one place: what a create reserves and bills, and the default rows of
/// <c>GET /api/pricing</c> that say so (a base price per second, and a multiply policy that makes 1080p dearer), in
/// the row format HiAPI publishes. A configured <see cref="EmulatorOptions.PricingBody"/> changes only what the price
/// list says, never what is billed, so a test can serve a list that is wrong, stale or malformed.
/// </summary>
internal static class PriceList
{
    /// <summary>duration x <see cref="EmulatorOptions.PricePerSecond"/>, x <see cref="EmulatorOptions.PriceFactor1080p"/> at 1080p.</summary>
    public static decimal CostOf(EmulatorOptions options, int duration, string? resolution) =>
        duration * options.PricePerSecond * (resolution == "1080p" ? options.PriceFactor1080p : 1m);

    /// <summary>
    /// <c>{"code":200,"data":[rows],"message":"success"}</c>, one row per model, written from the live options (so a
    /// test that changes the price per second reads the new price).
    /// </summary>
    public static byte[] DefaultBody(EmulatorOptions options) => EmulatorJson.Write(w =>
    {
        w.WriteStartObject();
        w.WriteNumber("code", 200);
        w.WriteStartArray("data");
        foreach (var schema in HiApi.Mock.Validation.ModelSchema.All)
        {
            WriteRow(w, schema.Model, options);
        }
        w.WriteEndArray();
        w.WriteString("message", "success");
        w.WriteEndObject();
    });

    private static void WriteRow(Utf8JsonWriter w, string model, EmulatorOptions options)
    {
        w.WriteStartObject();
        w.WriteString("model_name", model);
        w.WriteStartArray("factors");
        w.WriteStringValue("duration");
        w.WriteEndArray();
        w.WriteNumber("base_usd_value", options.PricePerSecond);
        w.WriteStartObject("base_display_unit");
        w.WriteString("en", "per second");
        w.WriteEndObject();
        w.WriteStartArray("policies");
        w.WriteStartObject();
        w.WriteString("name", "1080P");
        w.WriteStartObject("rule");
        w.WriteStartObject("resolution");
        w.WriteString("match", "1080p");
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteString("pricing_type", "multiply");
        w.WriteNumber("times", options.PriceFactor1080p);
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteEndObject();
    }
}
