namespace HiApi.Client;

/// <summary>What the ledger already knew of a submission's key when it was claimed (see <see cref="TaskLedger.Claim"/>).</summary>
public enum SubmissionClaimKind
{
    /// <summary>Nothing (or a refusal, which created nothing): the submission is this caller's to send.</summary>
    New,

    /// <summary>The key already created a task: hand it back, nothing is sent.</summary>
    Created,

    /// <summary>The key was sent and never answered (a crash, a lost connection, or another process sending it now): send it again with the same key.</summary>
    Unresolved,

    /// <summary>The key was written with another request: sending would be refused (422), so nothing is sent.</summary>
    Conflict,
}
