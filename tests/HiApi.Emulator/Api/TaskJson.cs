using System.Text.Json;
using HiApi.Emulator.Storage;
using HiApi.Emulator.Tasks;
using HiApi.Mock.Tasks;

namespace HiApi.Emulator.Api;

/// <summary>
/// The task object of <c>GET /v1/tasks/{taskId}</c> and of callbacks:
/// <c>{"taskId","model","status","storage":"temp","created","completed","output":[...],"error":{...}}</c>.
/// <c>created</c> and <c>completed</c> are Unix seconds (<c>completed</c> is 0 until the task finished); <c>output</c> is
/// empty until success; <c>error</c> appears only on fail.
/// </summary>
internal static class TaskJson
{
    public static void WriteTask(Utf8JsonWriter w, EmulatedTask task, Uri baseAddress, SignedUrlSigner signer)
    {
        if (task.Planted is { } planted)
        {
            WritePlanted(w, task, planted);
            return;
        }
        var status = task.Status;
        w.WriteStartObject();
        w.WriteString("taskId", task.Id);
        w.WriteString("model", task.Model);
        w.WriteString("status", status);
        w.WriteString("storage", "temp");
        w.WriteNumber("created", task.CreatedAt.ToUnixTimeSeconds());
        // 0 (not absent) until the task has finished, as HiAPI's own docs show.
        w.WriteNumber("completed", status is TaskStatuses.Success or TaskStatuses.Fail ? task.FinishedAt.ToUnixTimeSeconds() : 0);
        w.WritePropertyName("output");
        w.WriteStartArray();
        if (status == TaskStatuses.Success)
        {
            w.WriteStartObject();
            w.WriteString("type", "video");
            w.WriteString("url", signer.BuildUrl(baseAddress, task.Id, task.ExpireAtUnixSeconds));
            w.WriteNumber("expireAt", task.ExpireAtUnixSeconds);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        if (status == TaskStatuses.Fail && task.Failure is { } failure)
        {
            w.WritePropertyName("error");
            w.WriteStartObject();
            w.WriteString("code", failure.Code);
            w.WriteString("message", failure.Message);
            w.WriteEndObject();
        }
        w.WriteEndObject();
    }

    /// <summary>A planted task as planted: <c>model</c> only if given, <c>output</c> <c>[]</c> if not, <c>error</c> if given.</summary>
    private static void WritePlanted(Utf8JsonWriter w, EmulatedTask task, PlantedContent planted)
    {
        w.WriteStartObject();
        w.WriteString("taskId", task.Id);
        if (planted.Model is not null)
        {
            w.WriteString("model", planted.Model);
        }
        w.WriteString("status", planted.Status);
        w.WriteString("storage", "temp");
        w.WriteNumber("created", task.CreatedAt.ToUnixTimeSeconds());
        w.WritePropertyName("output");
        w.WriteStartArray();
        foreach (var output in planted.Output ?? [])
        {
            w.WriteStartObject();
            WriteIfGiven(w, "type", output.Type);
            WriteIfGiven(w, "url", output.Url);
            if (output.ExpireAt is { } expireAt)
            {
                w.WriteNumber("expireAt", expireAt);
            }
            w.WriteEndObject();
        }
        w.WriteEndArray();
        if (planted.Error is { } error)
        {
            w.WritePropertyName("error");
            w.WriteStartObject();
            WriteIfGiven(w, "code", error.Code);
            WriteIfGiven(w, "message", error.Message);
            w.WriteEndObject();
        }
        w.WriteEndObject();
    }

    private static void WriteIfGiven(Utf8JsonWriter w, string name, string? value)
    {
        if (value is not null)
        {
            w.WriteString(name, value);
        }
    }
}
