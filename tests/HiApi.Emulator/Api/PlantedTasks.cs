using HiApi.Emulator.Hosting;
using HiApi.Emulator.Tasks;

namespace HiApi.Emulator.Api;

/// <summary>Turns a <see cref="PlantTaskRequest"/> into a stored task that always answers exactly as planted.</summary>
internal static class PlantedTasks
{
    public static EmulatedTask Create(EmulatorState state, EmulatorApiKey key, PlantTaskRequest request)
    {
        var created = request.Created is { } seconds ? DateTimeOffset.FromUnixTimeSeconds(seconds) : state.Clock.GetUtcNow();
        return new EmulatedTask
        {
            Id = request.TaskId!,
            Model = request.Model ?? "",
            ApiKey = key.Key,
            ApiKeyLabel = EmulatedTask.LabelFor(key.Key),
            CreatedAt = created,
            CreatedTimestamp = state.Clock.GetTimestamp(),
            Clock = state.Clock,
            QueuedMs = 0,
            HandlingMs = 0,
            ArchivingMs = 0,
            Duration = null,
            Prompt = null,
            CallbackUrl = null,
            Failure = null,
            Cost = 0,
            ExpireAtUnixSeconds = 0,
            Planted = new PlantedContent(request.Model, request.Status!, request.Output, request.Error),
        };
    }
}
