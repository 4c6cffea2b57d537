namespace HiApi.Client;

/// <summary>
/// The operating system whose binding rules the callback listener follows: which socket options it sets and which
/// advice a bind error gives. <see cref="ListenerPlatforms.Current"/> in use; a test sets another to check each system's rules on one.
/// </summary>
internal enum ListenerPlatform
{
    Linux,
    MacOS,
    Windows,
}
