using System.Text;
using HiApi.Mock.Hosting;
using HiApi.Mock.Validation;

namespace HiApi.Mock.Api;

/// <summary>
/// <c>GET /api/pricing</c>, the public price list (no key needed): <see cref="MockOptions.PriceList"/> as given, else
/// the team's emulator's default rows in HiAPI's row format, written from the live options:
/// <c>{"code":200,"data":[{"model_name","factors":["duration"],"base_usd_value","base_display_unit":{"en":"per second"},
/// "policies":[{"name":"1080P","rule":{"resolution":{"match":"1080p"}},"pricing_type":"multiply","times"}]}],"message":"success"}</c>.
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

        return MockHttpResponse.Json(200, ApiJson.Write(w =>
        {
            w.WriteStartObject();
            w.WriteNumber("code", 200);
            w.WriteStartArray("data");
            foreach (var schema in ModelSchema.All)
            {
                w.WriteStartObject();
                w.WriteString("model_name", schema.Model);
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

            w.WriteEndArray();
            w.WriteString("message", "success");
            w.WriteEndObject();
        }));
    }
}
