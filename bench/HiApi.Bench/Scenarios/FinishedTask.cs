using HiApi.Client;

namespace HiApi.Bench.Scenarios;

/// <summary>A task whose wait ended; only a success is passed on to Save, anything else is an error record.</summary>
internal sealed record FinishedTask(HiApiTask Task, bool Succeeded, string Description);
