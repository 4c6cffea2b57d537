namespace HiApi.Client.Tests;

/// <summary>
/// A fact that needs a tmpfs (<see cref="TinyFileSystem"/>): root on Linux. Where none can be mounted (Windows, macOS,
/// an account without CAP_SYS_ADMIN) the test is reported Skipped with the reason, decided when the tests are
/// discovered, instead of returning early and being reported Passed without having run.
/// </summary>
public sealed class TmpfsFactAttribute : FactAttribute
{
    public TmpfsFactAttribute()
    {
        if (TinyFileSystem.WhyNoMount is { } why)
        {
            Skip = $"needs a tmpfs, which cannot be mounted here: {why}";
        }
    }
}
