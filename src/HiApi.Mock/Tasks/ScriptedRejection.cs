namespace HiApi.Mock.Tasks;

/// <summary>
/// The prompt marker <c>[[reject]]</c>: the create is refused synchronously (400 <c>TASK_FAILED</c>), unlike
/// <c>[[fail]]</c>, whose task is accepted and fails later.
/// </summary>
internal static class ScriptedRejection
{
    public const string Marker = "[[reject]]";

    public static bool IsRequestedBy(string? prompt) => prompt?.Contains(Marker, StringComparison.Ordinal) == true;
}
