namespace HiApi.Emulator.Faults;

/// <summary>The three 5xx answers the fault injector takes in turn.</summary>
internal enum ServerErrorKind
{
    InternalErrorJson,
    BadGatewayHtml,
    ServiceUnavailable,
}
