namespace HiApi.Client;

/// <summary>The <see cref="ListenerPlatform"/> this process runs on (the BSDs and others follow Linux's rules).</summary>
internal static class ListenerPlatforms
{
    public static ListenerPlatform Current { get; } =
        OperatingSystem.IsWindows() ? ListenerPlatform.Windows
        : OperatingSystem.IsMacOS() ? ListenerPlatform.MacOS
        : ListenerPlatform.Linux;
}
