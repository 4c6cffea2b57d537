using System.Text.Json;

namespace HiApi.Client;

/// <summary>
/// Reads a task listing in each shape the SDK accepts: <c>{"code":200,"data":{"tasks":[...],"page","size","total"}}</c>,
/// <c>{"code":200,"data":[...]}</c>, or a bare array. Listing answers are rare, so a <see cref="JsonDocument"/> is fine.
/// </summary>
internal static class TaskPageJson
{
    /// <summary>
    /// Null when the answer holds no list of tasks, with <paramref name="problem"/> saying whether it is not JSON at all or
    /// JSON of another shape (the caller's error says which, instead of calling valid JSON "not JSON").
    /// </summary>
    /// <exception cref="HiApiException">Kind <see cref="HiApiErrorKind.InvalidResponse"/>: a task's id or URL holds a secret.</exception>
    public static TaskPage? Parse(ReadOnlySpan<byte> json, int page, int size, DateTimeOffset retrievedAt, SecretRedactor secrets, out string? problem)
    {
        problem = null;
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json.ToArray());
        }
        catch (JsonException)
        {
            problem = "not JSON";
            return null;
        }

        using (document)
        {
            var root = document.RootElement;
            var data = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("data", out var wrapped) ? wrapped : root;
            int? total = null;
            var list = data;
            if (data.ValueKind == JsonValueKind.Object)
            {
                if (!data.TryGetProperty("tasks", out list))
                {
                    problem = "JSON of an unexpected shape: an object without a \"tasks\" list";
                    return null;
                }

                page = ReadInt(data, "page") ?? page;
                size = ReadInt(data, "size") ?? size;
                total = ReadInt(data, "total");
            }

            if (list.ValueKind != JsonValueKind.Array)
            {
                problem = $"JSON of an unexpected shape: its list of tasks is {list.ValueKind.ToString().ToLowerInvariant()}, not an array";
                return null;
            }

            var tasks = new List<HiApiTask>();
            foreach (var item in list.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.Object)
                {
                    continue;
                }

                var task = item.Deserialize(HiApiJsonContext.Default.TaskData);
                if (task is { TaskId: { } id } && !string.IsNullOrWhiteSpace(id))
                {
                    tasks.Add(TaskJson.ToTask(task, id, retrievedAt, secrets));
                }
            }

            return new TaskPage(tasks.AsReadOnly(), page, size, total);
        }
    }

    private static int? ReadInt(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number)
            ? number
            : null;
}
