using System.Collections;
using System.Reflection;

namespace HiApi.Client.Tests;

/// <summary>
/// Every string a caller can reach from an object: its ToString(), and the public properties of this library's types,
/// exceptions (inner ones too) and collections, recursively. What a script, a log or a view could show, in one list.
/// </summary>
public static class SecretScan
{
    /// <summary>Fails when any string reachable from <paramref name="things"/> holds the key, or a run of 8 of its characters.</summary>
    public static void AssertNoKey(string key, params object?[] things)
    {
        foreach (var text in things.SelectMany(Strings))
        {
            AssertNoRun(key, text);
        }
    }

    /// <summary>Fails when <paramref name="text"/> holds a run of <see cref="SecretRedactor.MinimumLeakRun"/> characters of <paramref name="key"/>, in any case.</summary>
    public static void AssertNoRun(string key, string text)
    {
        for (var i = 0; i + SecretRedactor.MinimumLeakRun <= key.Length; i++)
        {
            var run = key.Substring(i, SecretRedactor.MinimumLeakRun);
            Assert.False(
                text.Contains(run, StringComparison.OrdinalIgnoreCase),
                $"A run of the secret ('{run}') is in: {text}");
        }
    }

    public static IReadOnlyList<string> Strings(object? root)
    {
        var found = new List<string>();
        Walk(root, found, new HashSet<object>(ReferenceEqualityComparer.Instance), depth: 0);
        return found;
    }

    private static void Walk(object? value, List<string> found, HashSet<object> seen, int depth)
    {
        if (value is null || depth > 12)
        {
            return;
        }

        if (value is string text)
        {
            found.Add(text);
            return;
        }

        var type = value.GetType();
        if (type.IsValueType || value is Uri || value is Type || value is MemberInfo || value is Delegate)
        {
            found.Add(value.ToString() ?? string.Empty);
            return;
        }

        if (!seen.Add(value))
        {
            return;
        }

        found.Add(value.ToString() ?? string.Empty);
        if (value is IEnumerable items)
        {
            foreach (var item in items)
            {
                Walk(item, found, seen, depth + 1);
            }
        }

        if (value is Exception exception)
        {
            found.Add(exception.Message);
            Walk(exception.InnerException, found, seen, depth + 1);
            foreach (DictionaryEntry entry in exception.Data)
            {
                Walk(entry.Key, found, seen, depth + 1);
                Walk(entry.Value, found, seen, depth + 1);
            }
        }

        // Only this library's own types are walked property by property (and an exception's, inherited ones aside).
        if (type.Assembly != typeof(HiApiClient).Assembly && value is not EventArgs)
        {
            return;
        }

        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.GetIndexParameters().Length > 0 || property.DeclaringType == typeof(Exception))
            {
                continue;
            }

            object? propertyValue;
            try
            {
                propertyValue = property.GetValue(value);
            }
            catch (TargetInvocationException)
            {
                continue;
            }

            Walk(propertyValue, found, seen, depth + 1);
        }
    }
}
