namespace HiApi.Emulator.Tasks;

/// <summary>One <c>output[]</c> item of a planted task, written as given (absent fields are left out).</summary>
internal sealed class PlantedOutput
{
    public string? Type { get; set; }
    public string? Url { get; set; }
    public long? ExpireAt { get; set; }
}
