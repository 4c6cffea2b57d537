namespace HiApi.Client;

/// <summary>How a price policy sets the unit price: the two types HiAPI's own tools understand.</summary>
public enum PricingType
{
    /// <summary><c>fixed</c>: the policy's <c>usd_value</c> is the price per second.</summary>
    Fixed,

    /// <summary><c>multiply</c>: the row's base price per second times the policy's <c>times</c> (or <c>pricing_value</c>).</summary>
    Multiply,
}
