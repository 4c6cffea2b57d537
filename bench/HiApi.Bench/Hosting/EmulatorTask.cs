namespace HiApi.Bench.Hosting;

/// <summary>A task as <c>GET /_emulator/tasks</c> lists it; <see cref="FinishedAt"/> is when it became success or fail.</summary>
internal sealed record EmulatorTask(string TaskId, string Status, DateTimeOffset CreatedAt, DateTimeOffset FinishedAt);
