namespace HiApi.Mock.Tasks;

/// <summary>The <c>error</c> object of a failed task.</summary>
internal sealed record TaskFailure(string Code, string Message);
