using System.Text.Json;
using HiApi.Emulator.Storage;
using HiApi.Emulator.Tasks;

namespace HiApi.Emulator.Api;

/// <summary>
/// The task object of <c>GET /v1/tasks/{taskId}</c> and of callbacks:
/// <c>{"taskId","model","status","storage":"temp","created","output":[...],"error":{...}}</c>.
/// <c>created</c> is Unix seconds; <c>output</c> is empty until success; <c>error</c> appears only on fail.
/// </summary>
internal static class TaskJson
{
    public static void WriteTask(Utf8JsonWriter w, EmulatedTask task, Uri baseAddress, SignedUrlSigner signer)
    {
        var status = task.Status;
        w.WriteStartObject();
        w.WriteString("taskId", task.Id);
        w.WriteString("model", task.Model);
        w.WriteString("status", status);
        w.WriteString("storage", "temp");
        w.WriteNumber("created", task.CreatedAt.ToUnixTimeSeconds());
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
}
