namespace HiApi.Emulator.Tasks;

/// <summary>
/// What a task planted through <c>POST /_emulator/tasks</c> shows, verbatim: no lifecycle, no billing, no callback,
/// any status text. Lets client tests meet answers the emulator would never produce by itself.
/// </summary>
internal sealed record PlantedContent(string? Model, string Status, IReadOnlyList<PlantedOutput>? Output, PlantedError? Error);
