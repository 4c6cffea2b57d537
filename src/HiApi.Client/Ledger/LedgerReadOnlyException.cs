namespace HiApi.Client;

/// <summary>
/// A write the caller needs (a submission before it is sent, a task id just created) refused because the ledger
/// was written by a newer version of the module: this version only reads it. An <see cref="IOException"/>, so every
/// caller that handles a ledger it cannot write handles this too.
/// </summary>
internal sealed class LedgerReadOnlyException(string message) : IOException(message)
{
}
