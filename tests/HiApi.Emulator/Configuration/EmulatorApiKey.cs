namespace HiApi.Emulator;

/// <summary>One API key the emulator accepts.</summary>
public sealed class EmulatorApiKey
{
    /// <summary>The secret sent as <c>Authorization: Bearer &lt;Key&gt;</c>.</summary>
    public string Key { get; set; } = "";

    /// <summary>Models this key may use; null means all of them.</summary>
    public List<string>? AllowedModels { get; set; }

    /// <summary>Starting balance; null means unlimited.</summary>
    public decimal? Balance { get; set; }
}
