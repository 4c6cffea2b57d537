using System.Text;
using HiApi.Mock.Hosting;
using HiApi.Mock.Validation;

namespace HiApi.Mock.Api;

/// <summary>
/// <c>GET /api/pricing</c>, the public price list (no key needed): <see cref="MockOptions.PriceList"/> as given, else one
/// row per model in the contract's format, <c>{"model_name","factors":["duration"],"base_usd_value"}</c> (USD per
/// second) under <c>data</c>.
/// </summary>
internal sealed class PricingEndpoint(MockState state)
{
    public const string Path = "/api/pricing";

    public MockHttpResponse Get()
    {
        var options = state.Options;
        if (options.PriceList is { } verbatim)
        {
            return MockHttpResponse.Json(200, Encoding.UTF8.GetBytes(verbatim));
        }

        var price = options.PricePerSecond;
        return MockHttpResponse.Json(200, ApiJson.Write(w =>
        {
            w.WriteStartObject();
            w.WritePropertyName("data");
            w.WriteStartArray();
            foreach (var schema in ModelSchema.All)
            {
                w.WriteStartObject();
                w.WriteString("model_name", schema.Model);
                w.WritePropertyName("factors");
                w.WriteStartArray();
                w.WriteStringValue("duration");
                w.WriteEndArray();
                w.WriteNumber("base_usd_value", price);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }));
    }
}
