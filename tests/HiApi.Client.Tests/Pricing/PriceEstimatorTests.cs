namespace HiApi.Client.Tests;

/// <summary>Estimate = unit price × duration, the unit price being the most specific matching policy's, else the base.</summary>
public sealed class PriceEstimatorTests
{
    private static readonly PriceEstimator Default = PriceEstimator.For(PriceRows.Parse(PriceRows.Default));

    [Theory]
    [InlineData(3, null, "0.03")]
    [InlineData(3, "720p", "0.03")]
    [InlineData(5, "1080p", "0.075")]
    [InlineData(15, "1080p", "0.225")]
    public void The_default_rows_price_720p_at_the_base_and_1080p_one_and_a_half_times_dearer(int duration, string? resolution, string usd)
    {
        var estimate = Default.Estimate(PriceRows.Request(duration, resolution));

        Assert.True(estimate.IsKnown);
        Assert.Equal(decimal.Parse(usd, System.Globalization.CultureInfo.InvariantCulture), estimate.Usd);
        Assert.Equal(duration, estimate.Duration);
        Assert.Equal(resolution == "1080p", estimate.Policy is not null);
    }

    [Fact]
    public void Money_is_exact_decimal_arithmetic()
    {
        // In doubles 0.1 x 3 is 0.30000000000000004: a budget of 0.30 would refuse it.
        var list = PriceRows.OneRow(PriceRows.TextRow("\"factors\":[\"duration\"],\"base_usd_value\":0.1"));
        var estimate = PriceEstimator.For(list).Estimate(PriceRows.Request(3));
        Assert.Equal(0.3m, estimate.Usd);
        Assert.Equal("$0.30 (3 s x $0.10/s)", estimate.ToString());
    }

    [Fact]
    public void The_most_specific_match_wins_and_of_equally_specific_ones_the_dearest()
    {
        // HiAPI's tools' own case: 4 s at 720p with sound = 0.143/s is 0.572.
        var list = PriceRows.OneRow(PriceRows.TextRow("""
            "factors":["duration"],"base_usd_value":0.5,"policies":[
              {"rule":{"resolution":{"match":"720p"}},"usd_value":0.1},
              {"rule":{"resolution":{"match":"720p"},"aspect_ratio":{"match":"16:9"}},"usd_value":0.143},
              {"rule":{"aspect_ratio":{"match":"16:9"}},"usd_value":0.9},
              {"rule":{"resolution":{"match":"1080p"}},"usd_value":0.2},
              {"rule":{"duration":{"match":[8,9]}},"usd_value":0.3}]
            """));
        var estimator = PriceEstimator.For(list);

        // Two fields beat one, however dear the one-field policy.
        Assert.Equal(0.572m, estimator.Estimate(PriceRows.Request(4, "720p", "16:9")).Usd);
        // Of the one-field policies that match (resolution 1080p 0.2, duration 8 0.3), the dearer.
        Assert.Equal(2.4m, estimator.Estimate(PriceRows.Request(8, "1080p")).Usd);
        // Nothing matches: the base.
        Assert.Equal(1.5m, estimator.Estimate(PriceRows.Request(3)).Usd);
    }

    [Fact]
    public void Rules_see_the_request_as_it_is_sent_image_or_not_and_numbers_as_numbers()
    {
        var list = PriceRows.Parse($$$"""
            [{"model_name":"{{{PriceRows.Image}}}","factors":["duration"],"base_usd_value":0.01,"policies":[
               {"rule":{"image_urls":{"with":true}},"usd_value":0.04},
               {"rule":{"image_urls":{"with":true},"duration":{"match":"5"}},"usd_value":0.5}]},
             {"model_name":"{{{PriceRows.Text}}}","factors":["duration"],"base_usd_value":0.01,"policies":[
               {"rule":{"image_urls":{"with":false},"prompt":{"with":true}},"usd_value":0.02},
               {"rule":{"duration":{"match":[5]}},"usd_value":0.03}]}]
            """);
        var estimator = PriceEstimator.For(list);

        // An image is sent as image_urls: [url]; the rule on "5" (a string) never matches the number 5.
        var image = estimator.Estimate(PriceRows.Request(5, imageUrl: "https://example.com/a.jpg"));
        Assert.Equal(0.2m, image.Usd);
        Assert.Equal(0.04m, image.UsdPerSecond);
        // Without an image, and with a prompt: the two-field rule.
        Assert.Equal(0.1m, estimator.Estimate(PriceRows.Request(5)).Usd);
    }

    [Fact]
    public void A_request_without_a_duration_has_no_estimate()
    {
        var estimate = Default.Estimate(PriceRows.Request(duration: null));

        Assert.False(estimate.IsKnown);
        Assert.Null(estimate.Usd);
        Assert.Contains("has no duration", estimate.UnknownReason);
        Assert.StartsWith("cost unknown: the request has no duration", estimate.ToString());
        var error = estimate.ToException();
        Assert.Equal(HiApiErrorKind.PriceUnknown, error.Kind);
    }

    [Fact]
    public void A_model_the_list_lacks_or_does_not_understand_has_no_estimate()
    {
        var list = PriceRows.OneRow(PriceRows.TextRow("\"factors\":[\"frames\"],\"base_usd_value\":0.01"));
        var estimator = PriceEstimator.For(list);

        Assert.Contains("is not understood: it is priced by frames", estimator.Estimate(PriceRows.Request(3)).UnknownReason);
        Assert.Contains($"has no row for {PriceRows.Image}", estimator.Estimate(PriceRows.Request(3, imageUrl: "https://example.com/a.jpg")).UnknownReason);
    }

    [Fact]
    public void A_request_no_policy_prices_has_no_estimate_when_the_row_has_no_base()
    {
        var list = PriceRows.OneRow(PriceRows.TextRow("\"factors\":[\"duration\"],\"policies\":[{\"rule\":{\"resolution\":{\"match\":\"1080p\"}},\"usd_value\":0.02}]"));
        var estimator = PriceEstimator.For(list);

        Assert.Equal(0.1m, estimator.Estimate(PriceRows.Request(5, "1080p")).Usd);
        Assert.Contains("no policy", estimator.Estimate(PriceRows.Request(5, "720p")).UnknownReason);
        Assert.Contains("no policy", estimator.Estimate(PriceRows.Request(5)).UnknownReason);
    }

    [Fact]
    public void Without_a_price_list_every_estimate_is_unknown_for_the_reason_given()
    {
        var estimator = PriceEstimator.Unavailable(new HiApiException(HiApiErrorKind.PriceUnknown, "Could not read HiAPI's price list: 503."));
        var estimate = estimator.Estimate(PriceRows.Request(3));

        Assert.Null(estimator.PriceList);
        Assert.False(estimate.IsKnown);
        Assert.Equal("Could not read HiAPI's price list: 503", estimate.UnknownReason);
    }
}
