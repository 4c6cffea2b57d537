using HiApi.Mock.Hosting;

namespace HiApi.Mock.Api;

/// <summary><c>GET /v1/tasks/{taskId}</c> and the listing <c>GET /v1/tasks?page&amp;size</c> (newest first, no input echoed).</summary>
internal sealed class TaskReadEndpoints(MockState state)
{
    public const string Prefix = "/v1/tasks/";

    public MockHttpResponse Get(MockHttpRequest request)
    {
        if (!ApiAuth.IsAuthorized(request.Header("Authorization"), state.ApiKey))
        {
            return MockHttpResponse.Json(401, ApiJson.PermissionDenied);
        }

        var taskId = request.Path[Prefix.Length..];
        if (state.Tasks.Find(taskId) is not { } task)
        {
            return NotFound("task not found");
        }

        return new MockHttpResponse(200, "application/json", ApiJson.Success(w => TaskJson.Write(w, task, state.BaseUri, state.Urls)))
        {
            TaskId = task.Id,
        };
    }

    public MockHttpResponse List(MockHttpRequest request)
    {
        if (!ApiAuth.IsAuthorized(request.Header("Authorization"), state.ApiKey))
        {
            return MockHttpResponse.Json(401, ApiJson.PermissionDenied);
        }

        if (PageQuery.TryParse(QueryString.Parse(request.Query), out var problem) is not { } query)
        {
            return MockHttpResponse.Json(400, ApiJson.Error(400, "INVALID_REQUEST", problem));
        }

        var all = state.Tasks.NewestFirst();
        var page = all.Skip((int)Math.Min(query.Offset, int.MaxValue)).Take(query.Size);
        return MockHttpResponse.Json(200, ApiJson.Success(w =>
        {
            w.WriteStartObject();
            w.WritePropertyName("tasks");
            w.WriteStartArray();
            foreach (var task in page)
            {
                TaskJson.Write(w, task, state.BaseUri, state.Urls);
            }

            w.WriteEndArray();
            w.WriteNumber("page", query.Page);
            w.WriteNumber("size", query.Size);
            w.WriteNumber("total", all.Count);
            w.WriteEndObject();
        }));
    }

    public static MockHttpResponse NotFound(string message) => MockHttpResponse.Json(404, ApiJson.Error(404, "NOT_FOUND", message));
}
