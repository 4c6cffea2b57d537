namespace HiApi.Client;

/// <summary>The outcome of one check of <see cref="ConnectionTester"/>.</summary>
public enum CheckStatus
{
    Passed,
    Failed,

    /// <summary>The check ran but could not tell (no answer came): unknown stays unknown.</summary>
    Unknown,

    /// <summary>The check did not run (no key was given).</summary>
    NotChecked,
}
