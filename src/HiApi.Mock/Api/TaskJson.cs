using System.Text.Json;
using HiApi.Mock.Storage;
using HiApi.Mock.Tasks;

namespace HiApi.Mock.Api;

/// <summary>
/// The task object of <c>GET /v1/tasks/{taskId}</c>, the listing and callbacks:
/// <c>{"taskId","model","status","storage":"temp","created","completed","output":[...],"error"?}</c>.
/// <c>created</c> and <c>completed</c> are Unix seconds, <c>completed</c> 0 until the task finished; <c>output</c>
/// is empty until success; <c>error</c> appears only on fail.
/// </summary>
internal static class TaskJson
{
    public static void Write(Utf8JsonWriter w, StandInTask task, Uri baseUri, SignedUrls urls)
    {
        var status = task.Status;
        var finished = status is TaskStatuses.Success or TaskStatuses.Fail;
        w.WriteStartObject();
        w.WriteString("taskId", task.Id);
        w.WriteString("model", task.Model);
        w.WriteString("status", status);
        w.WriteString("storage", "temp");
        w.WriteNumber("created", task.CreatedAt.ToUnixTimeSeconds());
        w.WriteNumber("completed", finished ? task.FinishedAt.ToUnixTimeSeconds() : 0);
        w.WritePropertyName("output");
        w.WriteStartArray();
        if (status == TaskStatuses.Success)
        {
            w.WriteStartObject();
            w.WriteString("type", "video");
            w.WriteString("url", urls.Build(baseUri, task.Id, task.ExpireAtUnixSeconds));
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
