namespace HiApi.Client;

/// <summary>
/// One input of a <see cref="BatchRun"/> with its identity decided: the submission (request, key, batch, input number),
/// what the ledger knew of its key when it was planned (null without a ledger), and which attempt it is (2 and more
/// after earlier tasks of the same input failed).
/// </summary>
public sealed record PlannedInput(PlannedSubmission Submission, SubmissionClaim? Known, int Attempt);
