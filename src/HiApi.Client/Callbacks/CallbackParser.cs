using System.Globalization;
using System.Text;
using System.Text.Json;

namespace HiApi.Client;

/// <summary>
/// Turns a webhook body into a task: the envelope <c>{"code":200,"data":{task},"message":"success"}</c> or the bare
/// task (the seeds' receiver does <c>body.get("data", body)</c>). The result is only what the sender claims: callbacks
/// are unsigned, so nothing in it (status, URL) may be acted on before the task is read again with the key.
/// </summary>
public static class CallbackParser
{
    private static readonly byte[] Utf8Bom = { 0xEF, 0xBB, 0xBF };

    /// <exception cref="HiApiException">Kind <see cref="HiApiErrorKind.InvalidResponse"/>: the body holds no task.</exception>
    public static HiApiTask Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        return Parse(Encoding.UTF8.GetBytes(json));
    }

    /// <exception cref="HiApiException">Kind <see cref="HiApiErrorKind.InvalidResponse"/>: the body holds no task.</exception>
    public static HiApiTask Parse(ReadOnlySpan<byte> utf8Json) => Parse(utf8Json, DateTimeOffset.UtcNow);

    internal static HiApiTask Parse(ReadOnlySpan<byte> utf8Json, DateTimeOffset receivedAt) =>
        TryParse(utf8Json, receivedAt, SecretRedactor.None, out var problem) ?? throw Malformed(problem!, utf8Json, SecretRedactor.None);

    /// <summary>
    /// The task, or null with <paramref name="problem"/> saying in a few words what is wrong (no body quote). The sender
    /// may know <paramref name="secrets"/> (HiAPI does): the task and the problem come back with every one redacted,
    /// and a task whose id or URL holds one is a problem.
    /// </summary>
    internal static HiApiTask? TryParse(ReadOnlySpan<byte> utf8Json, DateTimeOffset receivedAt, SecretRedactor secrets, out string? problem)
    {
        var task = TryParse(utf8Json, receivedAt, secrets, out problem, out var refused);
        problem = refused?.Message ?? secrets.Redact(problem);
        return task;
    }

    private static HiApiTask? TryParse(ReadOnlySpan<byte> utf8Json, DateTimeOffset receivedAt, SecretRedactor secrets, out string? problem, out HiApiException? refused)
    {
        refused = null;
        if (utf8Json.StartsWith(Utf8Bom))
        {
            utf8Json = utf8Json[Utf8Bom.Length..];
        }

        problem = FindStructureProblem(utf8Json);
        if (problem is not null)
        {
            return null;
        }

        HiApiTask? task;
        try
        {
            task = TaskJson.ParseTaskBody(utf8Json, fallbackTaskId: null, receivedAt, secrets);
        }
        catch (HiApiException secretInside)
        {
            refused = secretInside;
            return null;
        }

        if (task is null)
        {
            problem = DescribeTypeProblem(utf8Json);
        }

        return task;
    }

    internal static HiApiException Malformed(string problem, ReadOnlySpan<byte> body, SecretRedactor secrets) => new(
        HiApiErrorKind.InvalidResponse,
        $"The callback body is not a HiAPI task: {secrets.Redact(problem)}. Body: {BodyExcerpt.Quote(body, secrets)}.");

    /// <summary>
    /// Checks the shape with a DOM first, so each kind of bad body gets its own message; the typed parse that
    /// follows only reports "no task", never why.
    /// </summary>
    private static string? FindStructureProblem(ReadOnlySpan<byte> utf8Json)
    {
        if (IsBlank(utf8Json))
        {
            return "the body is empty";
        }

        JsonDocument document;
        var reader = new Utf8JsonReader(utf8Json, new JsonReaderOptions { MaxDepth = 64 });
        try
        {
            document = JsonDocument.ParseValue(ref reader);
        }
        catch (JsonException ex)
        {
            return $"the body is not valid JSON ({ex.Message})";
        }

        try
        {
            // Anything but whitespace after the value makes the reader throw (or, for a second value, read it).
            if (reader.Read())
            {
                document.Dispose();
                return "the body continues after its JSON value";
            }
        }
        catch (JsonException)
        {
            document.Dispose();
            return "the body continues after its JSON value";
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return $"the body is a JSON {KindName(root.ValueKind)}, not an object";
            }

            var task = root;
            var hasCode = root.TryGetProperty("code", out var code);
            if (hasCode && !IsCode200(code))
            {
                var message = root.TryGetProperty("message", out var text) && text.ValueKind == JsonValueKind.String
                    ? $" (message: {Shorten(text.GetString())})"
                    : string.Empty;
                return $"the envelope's code is {Shorten(code.GetRawText())}, not 200{message}";
            }

            if (root.TryGetProperty("data", out var data))
            {
                if (data.ValueKind != JsonValueKind.Object)
                {
                    return data.ValueKind == JsonValueKind.Null
                        ? "the envelope's data is null"
                        : $"the envelope's data is a JSON {KindName(data.ValueKind)}, not an object";
                }

                task = data;
            }
            else if (hasCode)
            {
                return "the envelope has no data";
            }

            if (!task.TryGetProperty("taskId", out var taskId))
            {
                return "the task has no taskId";
            }

            if (taskId.ValueKind != JsonValueKind.String)
            {
                return $"the task's taskId is a JSON {KindName(taskId.ValueKind)}, not a string";
            }

            var id = taskId.GetString()!;
            if (string.IsNullOrWhiteSpace(id))
            {
                return "the task's taskId is empty";
            }

            // Ids end up in notes, logs and file names: a sender must not smuggle escape sequences or megabytes through one.
            if (id.Length > TaskIds.MaxLength || id.Any(char.IsControl))
            {
                return $"the task's taskId is not a plausible id ({id.Length} characters{(id.Any(char.IsControl) ? ", control characters" : "")})";
            }
        }

        return null;
    }

    /// <summary>Only reached when the shape was right but a field has the wrong type: names that field.</summary>
    private static string DescribeTypeProblem(ReadOnlySpan<byte> utf8Json)
    {
        try
        {
            var envelope = JsonSerializer.Deserialize(utf8Json, HiApiJsonContext.Default.TaskResponse);
            if (envelope?.Data is null)
            {
                JsonSerializer.Deserialize(utf8Json, HiApiJsonContext.Default.TaskData);
            }
        }
        catch (JsonException ex)
        {
            return $"a field has the wrong type ({ex.Path ?? "unknown path"})";
        }

        return "it does not describe a task";
    }

    private static bool IsCode200(JsonElement code) => code.ValueKind switch
    {
        JsonValueKind.Number => code.TryGetInt32(out var number) && number == 200,
        // The client's envelope reader accepts numbers sent as strings; so does this.
        JsonValueKind.String => int.TryParse(code.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var number) && number == 200,
        _ => false,
    };

    private static bool IsBlank(ReadOnlySpan<byte> utf8Json)
    {
        foreach (var b in utf8Json)
        {
            if (b is not ((byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n'))
            {
                return false;
            }
        }

        return true;
    }

    private static string Shorten(string? text) => BodyExcerpt.Clean(text ?? string.Empty, 80);

    private static string KindName(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Array => "array",
        JsonValueKind.String => "string",
        JsonValueKind.Number => "number",
        JsonValueKind.True or JsonValueKind.False => "boolean",
        JsonValueKind.Null => "null",
        _ => "value",
    };
}
