namespace HiApi.Client;

/// <summary>One finished piece of work: its item, and its result or the exception it ended with.</summary>
public readonly record struct WorkCompletion<TItem, TResult>(TItem Item, TResult? Result, Exception? Error);
