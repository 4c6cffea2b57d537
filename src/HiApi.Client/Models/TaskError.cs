namespace HiApi.Client;

/// <summary>Why a task failed, as the API reported it in <c>data.error</c>.</summary>
public sealed class TaskError
{
    public TaskError(string code, string message)
    {
        Code = code ?? string.Empty;
        Message = message ?? string.Empty;
    }

    public string Code { get; }
    public string Message { get; }

    public override string ToString() => Message.Length == 0 ? Code : $"{Code}: {Message}";
}
