namespace HiApi.Client;

/// <summary>What the listener made of a callback's signature.</summary>
public enum CallbackSignatureCheck
{
    /// <summary>No signing key is configured: the callback is unsigned and only a hint, verified by GET.</summary>
    NotChecked,

    /// <summary>The signature and timestamp verified: the body is HiAPI's and may be trusted without a GET.</summary>
    Valid,

    /// <summary>A signing key is configured and the signature is missing, wrong or stale: refused with 401.</summary>
    Invalid,
}
