namespace HiApi.Emulator.Tests.Support;

/// <summary>The emulator's documented default keys.</summary>
public static class TestKeys
{
    public const string AllModels = "sk-test-emulator";
    public const string TextOnly = "sk-test-text-only";
    public const string LowBalance = "sk-test-low-balance";
}
