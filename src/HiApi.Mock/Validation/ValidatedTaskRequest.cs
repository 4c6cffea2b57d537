namespace HiApi.Mock.Validation;

/// <summary>What the emulator needs from a create request that passed validation.</summary>
internal sealed record ValidatedTaskRequest(string Model, string? Prompt, int? Duration, string? CallbackUrl, string? Resolution = null);
