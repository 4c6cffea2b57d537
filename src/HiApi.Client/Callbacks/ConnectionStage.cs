namespace HiApi.Client;

/// <summary>Where a callback connection is in its one request; decides which connection goes first when room is short.</summary>
internal enum ConnectionStage
{
    /// <summary>Accepted; no byte read from it yet.</summary>
    Opened,

    /// <summary>The request line and headers are arriving.</summary>
    ReadingHead,

    /// <summary>The body is arriving.</summary>
    ReadingBody,

    /// <summary>The whole request is in and its answer is being decided or written: never cut.</summary>
    Answering,

    /// <summary>Answered; the connection lingers so the answer is not destroyed by a reset.</summary>
    Closing,
}
