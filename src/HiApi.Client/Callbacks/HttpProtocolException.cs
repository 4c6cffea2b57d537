namespace HiApi.Client;

/// <summary>A request the callback listener cannot take, with the status to answer it.</summary>
internal sealed class HttpProtocolException(int status, string message) : Exception(message)
{
    public int Status { get; } = status;
}
