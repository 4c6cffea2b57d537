namespace HiApi.Mock.Validation;

/// <summary>The outcome of validating a create body: the request, or the single 400 message naming every problem.</summary>
internal sealed record TaskRequestValidation(ValidatedTaskRequest? Request, string? ErrorMessage)
{
    public bool IsValid => Request is not null;
}
