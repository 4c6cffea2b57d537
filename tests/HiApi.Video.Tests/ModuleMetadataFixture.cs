namespace HiApi.Video.Tests;

/// <summary>Opens the compiled module once per test class.</summary>
public sealed class ModuleMetadataFixture : IDisposable
{
    public ModuleMetadata Metadata { get; } = new();

    public void Dispose() => Metadata.Dispose();
}
