namespace HiApi.Client.Tests;

/// <summary>
/// The price list's format rules as HiAPI's own video tools read them (HiAPIAI/hiapi-product-video-skills,
/// references/api.md and its estimateCostUsd), and fail closed on everything else.
/// </summary>
public sealed class PriceListParserTests
{
    [Fact]
    public void Rows_are_read_from_a_bare_array_or_from_under_data()
    {
        var row = PriceRows.TextRow("\"factors\":[\"duration\"],\"base_usd_value\":0.01");
        var bare = PriceRows.Parse($"[{row}]");
        var wrapped = PriceRows.Parse($$"""{"success":true,"data":[{{row}}]}""");

        foreach (var list in new[] { bare, wrapped })
        {
            Assert.True(list.TryGetModel(PriceRows.Text, out var price, out _));
            Assert.Equal(0.01m, price.UsdPerSecond);
            Assert.Equal("duration", price.DurationFactor);
            Assert.Equal(1, list.RowCount);
            Assert.Empty(list.Problems);
            Assert.Equal(PriceRows.ReadAt, price.RetrievedAt);
        }
    }

    [Fact]
    public void The_default_rows_price_both_models_with_a_1080p_policy()
    {
        var list = PriceRows.Parse(PriceRows.Default);

        Assert.Equal([PriceRows.Text, PriceRows.Image], list.Models.Select(m => m.Model));
        var policy = Assert.Single(list.Models[0].Policies);
        Assert.Equal(PricingType.Multiply, policy.Type);
        Assert.Equal(1.5m, policy.Multiplier);
        Assert.Equal(0.015m, policy.UsdPerSecond);
        Assert.Equal("resolution = 1080p: $0.015/s (base x 1.5)", policy.ToString());
        Assert.Equal("resolution", Assert.Single(policy.Conditions).Field);
    }

    [Theory]
    [InlineData("seconds")]
    [InlineData("duration_seconds")]
    [InlineData(" Duration ")]
    public void Each_duration_factor_is_understood(string factor)
    {
        var list = PriceRows.OneRow(PriceRows.TextRow($"\"factors\":[\"{factor}\"],\"base_usd_value\":0.02"));
        Assert.True(list.TryGetModel(PriceRows.Text, out var price, out _));
        Assert.Equal(factor.Trim().ToLowerInvariant(), price.DurationFactor);
    }

    [Fact]
    public void The_older_model_price_is_the_base_when_base_usd_value_is_absent_or_null()
    {
        foreach (var fields in new[] { "\"model_price\":0.03", "\"base_usd_value\":null,\"model_price\":0.03" })
        {
            var list = PriceRows.OneRow(PriceRows.TextRow($"\"factors\":[\"duration\"],{fields}"));
            Assert.True(list.TryGetModel(PriceRows.Text, out var price, out _), fields);
            Assert.Equal(0.03m, price.UsdPerSecond);
        }
    }

    [Fact]
    public void A_price_given_as_numeric_text_or_with_an_exponent_is_read_exactly()
    {
        var list = PriceRows.OneRow(PriceRows.TextRow(
            "\"factors\":[\"duration\"],\"base_usd_value\":\"0.0125\",\"policies\":[{\"rule\":{\"resolution\":{\"match\":\"1080p\"}},\"usd_value\":2.5e-2}]"));
        Assert.True(list.TryGetModel(PriceRows.Text, out var price, out _));
        Assert.Equal(0.0125m, price.UsdPerSecond);
        Assert.Equal(0.025m, price.Policies[0].UsdPerSecond);
    }

    [Fact]
    public void A_policy_with_only_a_usd_value_is_fixed_and_a_rule_that_is_empty_or_absent_applies_to_every_request()
    {
        // HiAPI's tools' own test row: no base price, one policy for everything.
        var list = PriceRows.OneRow(PriceRows.TextRow("\"factors\":[\"duration\"],\"policies\":[{\"rule\":{},\"usd_value\":0.1},{\"usd_value\":0.05}]"));
        Assert.True(list.TryGetModel(PriceRows.Text, out var price, out _));
        Assert.Null(price.UsdPerSecond);
        Assert.All(price.Policies, p => Assert.Equal(PricingType.Fixed, p.Type));
        Assert.All(price.Policies, p => Assert.Empty(p.Conditions));
    }

    [Fact]
    public void Match_lists_with_and_the_policy_name_are_kept()
    {
        var list = PriceRows.OneRow(PriceRows.TextRow("""
            "factors":["duration"],"base_usd_value":0.01,
            "policies":[{"name":"SHORT","rule":{"duration":{"match":[3,4,5]},"image_urls":{"with":false}},"usd_value":0.02}]
            """));
        Assert.True(list.TryGetModel(PriceRows.Text, out var price, out _));
        var policy = Assert.Single(price.Policies);
        Assert.Equal("SHORT", policy.Name);
        Assert.Equal(2, policy.Specificity);
        Assert.Equal([3m, 4m, 5m], policy.Conditions[0].Match!);
        Assert.False(policy.Conditions[1].With);
        Assert.Equal("duration in (3, 4, 5) and no image_urls: $0.02/s", policy.ToString());
    }

    // Every case HiAPI's tools refuse, and the ones this module refuses as well (stricter: every price is checked).
    [Theory]
    [InlineData("\"base_usd_value\":0.1", "factors are missing or malformed")]
    [InlineData("\"factors\":[],\"base_usd_value\":0.1", "factors are missing or malformed")]
    [InlineData("\"factors\":\"duration\",\"base_usd_value\":0.1", "factors are missing or malformed")]
    [InlineData("\"factors\":[{\"name\":\"duration\"}],\"base_usd_value\":0.1", "factors are missing or malformed")]
    [InlineData("\"factors\":[\"frames\"],\"base_usd_value\":0.1", "priced by frames, a factor this module does not understand")]
    [InlineData("\"factors\":[\"duration\",\"seconds\"],\"base_usd_value\":0.1", "it has 2 factors")]
    [InlineData("\"factors\":[\"duration\"],\"policies\":[{\"rule\":{\"duration\":{\"min\":4}},\"usd_value\":0.1}]", "uses the operator 'min', which this module does not understand")]
    [InlineData("\"factors\":[\"duration\"],\"policies\":[{\"rule\":{\"duration\":{}},\"usd_value\":0.1}]", "condition on duration is empty")]
    [InlineData("\"factors\":[\"duration\"],\"policies\":[{\"rule\":{\"duration\":4},\"usd_value\":0.1}]", "condition on duration is not an object")]
    [InlineData("\"factors\":[\"duration\"],\"policies\":[{\"rule\":{\"duration\":[4]},\"usd_value\":0.1}]", "condition on duration is not an object")]
    [InlineData("\"factors\":[\"duration\"],\"policies\":[{\"rule\":{\"resolution\":{\"match\":{\"in\":[\"720p\"]}}},\"usd_value\":0.1}]", "which is not a text, number or true/false")]
    [InlineData("\"factors\":[\"duration\"],\"policies\":[{\"rule\":{\"image_urls\":{\"with\":1}},\"usd_value\":0.1}]", "not true or false")]
    [InlineData("\"factors\":[\"duration\"],\"policies\":[{\"rule\":\"1080p\",\"usd_value\":0.1}]", "rule is not an object")]
    [InlineData("\"factors\":[\"duration\"],\"policies\":[{\"rule\":{},\"pricing_type\":\"fixed\",\"usd_value\":null,\"pricing_value\":77500}]", "usd_value is missing")]
    [InlineData("\"factors\":[\"duration\"],\"policies\":[{\"rule\":{},\"pricing_type\":\"tiered\",\"usd_value\":0.1}]", "pricing_type 'tiered', which this module does not understand")]
    [InlineData("\"factors\":[\"duration\"],\"policies\":[{\"rule\":{},\"pricing_value\":2}]", "has no pricing_type and no usd_value")]
    [InlineData("\"factors\":[\"duration\"],\"base_usd_value\":0.1,\"policies\":[{\"rule\":{},\"pricing_type\":\"multiply\"}]", "has no times (or pricing_value)")]
    [InlineData("\"factors\":[\"duration\"],\"policies\":[{\"rule\":{},\"pricing_type\":\"multiply\",\"times\":2}]", "multiplies the base price, but the row has no base_usd_value")]
    [InlineData("\"factors\":[\"duration\"],\"base_usd_value\":0.1,\"policies\":[{\"rule\":{},\"pricing_type\":\"multiply\",\"times\":0}]", "times is 0, not a positive number")]
    [InlineData("\"factors\":[\"duration\"],\"base_usd_value\":null,\"model_price\":null", "it has no price")]
    [InlineData("\"factors\":[\"duration\"],\"base_usd_value\":0", "base_usd_value is 0, not a positive number")]
    [InlineData("\"factors\":[\"duration\"],\"base_usd_value\":-0.01", "base_usd_value is -0.01, not a positive number")]
    [InlineData("\"factors\":[\"duration\"],\"base_usd_value\":\"cheap\"", "base_usd_value is \"cheap\", not a number")]
    [InlineData("\"factors\":[\"duration\"],\"base_usd_value\":true", "base_usd_value is true, not a number")]
    [InlineData("\"factors\":[\"duration\"],\"base_usd_value\":0.1,\"policies\":{}", "policies are not a list")]
    [InlineData("\"factors\":[\"duration\"],\"base_usd_value\":0.1,\"policies\":[7]", "policy 1 is not an object")]
    public void A_row_it_does_not_understand_prices_nothing_and_says_why(string fields, string reason)
    {
        var list = PriceRows.OneRow(PriceRows.TextRow(fields));

        Assert.Empty(list.Models);
        var problem = Assert.Single(list.Problems);
        Assert.Equal(PriceRows.Text, problem.Model);
        Assert.Equal(1, problem.Row);
        Assert.Contains(reason, problem.Reason);
        Assert.StartsWith($"HiAPI's price row for {PriceRows.Text} is not understood: ", PriceRows.ProblemOf(list));
    }

    [Fact]
    public void A_malformed_row_leaves_the_other_rows_priced()
    {
        var list = PriceRows.Parse($$"""
            [{"model_name":"{{PriceRows.Text}}","factors":["frames"],"base_usd_value":0.01},
             {"model_name":"{{PriceRows.Image}}","factors":["duration"],"base_usd_value":0.02}]
            """);

        Assert.Contains("frames", PriceRows.ProblemOf(list, PriceRows.Text));
        Assert.True(list.TryGetModel(PriceRows.Image, out var image, out _));
        Assert.Equal(0.02m, image.UsdPerSecond);
    }

    [Fact]
    public void Rows_that_name_no_model_are_reported_by_position_and_a_missing_row_is_named()
    {
        var list = PriceRows.Parse("""[7, {"factors":["duration"],"base_usd_value":0.01}, {"model_name":"","base_usd_value":1}]""");

        Assert.Equal(["Row 1: it is not an object", "Row 2: it has no model_name", "Row 3: it has no model_name"], list.Problems.Select(p => p.ToString()));
        Assert.Equal($"HiAPI's price list has no row for {PriceRows.Text}", PriceRows.ProblemOf(list));
    }

    [Fact]
    public void A_model_listed_twice_is_ambiguous_and_prices_nothing()
    {
        var row = PriceRows.TextRow("\"factors\":[\"duration\"],\"base_usd_value\":0.01");
        var other = PriceRows.TextRow("\"factors\":[\"duration\"],\"base_usd_value\":0.001");
        var list = PriceRows.Parse($"[{row},{other}]");

        Assert.Empty(list.Models);
        Assert.Contains("listed 2 times", PriceRows.ProblemOf(list));
        Assert.Equal(1, Assert.Single(list.Problems).Row);
    }

    [Theory]
    [InlineData("<html><title>502 Bad Gateway</title></html>", "is not JSON: a non-JSON body: 502 Bad Gateway")]
    [InlineData("", "is not JSON")]
    [InlineData("{\"data\":{\"rows\":[]}}", "holds no rows")]
    [InlineData("{\"code\":500,\"message\":\"pricing offline\"}", "holds no rows: expected a JSON array, or an array under \"data\" (it says: pricing offline)")]
    [InlineData("\"a price list\"", "holds no rows")]
    public void A_document_without_rows_is_PriceUnknown(string body, string message)
    {
        var error = Assert.Throws<HiApiException>(() => PriceRows.Parse(body));
        Assert.Equal(HiApiErrorKind.PriceUnknown, error.Kind);
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void An_empty_list_is_read_but_prices_nothing()
    {
        var list = PriceRows.Parse("{\"data\":[]}");
        Assert.Equal(0, list.RowCount);
        Assert.Equal($"HiAPI's price list has no row for {PriceRows.Image}", PriceRows.ProblemOf(list, PriceRows.Image));
    }
}
