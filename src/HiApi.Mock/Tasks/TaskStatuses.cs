namespace HiApi.Mock.Tasks;

/// <summary>The status values of the seeds; only success and fail are terminal.</summary>
internal static class TaskStatuses
{
    public const string Queued = "queued";
    public const string Handling = "handling";
    public const string Archiving = "archiving";
    public const string Success = "success";
    public const string Fail = "fail";
}
