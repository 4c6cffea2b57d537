namespace HiApi.Client;

/// <summary>What went wrong, so scripts can branch without parsing messages.</summary>
public enum HiApiErrorKind
{
    InvalidRequest,
    Unauthorized,
    InsufficientBalance,
    RateLimited,
    NotFound,
    ServerError,
    Network,
    InvalidResponse,
    TaskFailed,
    Timeout,
    NotReady,
    OutputExpired,
    FileExists,
    Configuration,
}
