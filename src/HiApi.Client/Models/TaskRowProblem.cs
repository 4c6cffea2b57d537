namespace HiApi.Client;

/// <summary>Why a property of an input's row was not kept with its task as it was: its <paramref name="Name"/> and what happened.</summary>
public sealed record TaskRowProblem(string Name, string Problem);
