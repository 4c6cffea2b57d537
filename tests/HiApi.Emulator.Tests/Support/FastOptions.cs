namespace HiApi.Emulator.Tests.Support;

/// <summary>Options with short lifecycles so the suite stays fast.</summary>
public static class FastOptions
{
    public static EmulatorOptions Create(int queuedMs = 60, int handlingMs = 80, int archivingMs = 60) => new()
    {
        QueuedMs = queuedMs,
        HandlingMs = handlingMs,
        ArchivingMs = archivingMs,
    };
}
