namespace HiApi.Video.Infrastructure;

/// <summary>
/// A submission New-HiApiVideoTask keeps in flight: what its error record names as target (the piped object), how its
/// errors name the input (<see cref="InputName"/>; null for a prompt typed on the command line, the only input), and
/// what an account-wide refusal of it stops (its model).
/// </summary>
internal sealed record SubmissionJob(object? ErrorTarget, string? Name, int? InputNumber, string Model) : IErrorTarget;
