namespace HiApi.Emulator.Tasks;

/// <summary>The <c>error</c> object of a planted task, written as given (absent fields are left out).</summary>
internal sealed class PlantedError
{
    public string? Code { get; set; }
    public string? Message { get; set; }
}
