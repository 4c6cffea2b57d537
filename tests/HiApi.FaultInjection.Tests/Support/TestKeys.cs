namespace HiApi.FaultInjection.Tests.Support;

/// <summary>The emulator's own test key (all models, unlimited balance); never a real HiAPI key.</summary>
public static class TestKeys
{
    public const string Emulator = "sk-test-emulator";
}
