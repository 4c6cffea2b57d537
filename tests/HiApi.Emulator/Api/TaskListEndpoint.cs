using HiApi.Emulator.Hosting;
using Microsoft.AspNetCore.Http;

namespace HiApi.Emulator.Api;

/// <summary>
/// <c>GET /v1/tasks?page=1&amp;size=20</c>: the calling key's tasks, newest first, each in the shape GET returns.
/// Admission (faults, 401, rate limit) is the same as for GET /v1/tasks/{taskId}; then the query is checked (400).
/// </summary>
internal sealed class TaskListEndpoint(EmulatorState state)
{
    private readonly ApiAdmission _admission = new(state);

    public async Task ListAsync(HttpContext context)
    {
        if (await _admission.RejectedByFaultsAsync(context, isCreate: false)
            || await _admission.AuthenticateAsync(context) is not { } key)
        {
            return;
        }

        if (PageQuery.TryParse(context.Request.Query, out var problem) is not { } query)
        {
            await ApiResponses.InvalidRequestAsync(context, problem);
            return;
        }

        var owned = state.Tasks.NewestFirstOwnedBy(key.Key);
        var page = owned.Skip((int)Math.Min(query.Offset, int.MaxValue)).Take(query.Size);
        await ApiResponses.WriteJsonAsync(context, StatusCodes.Status200OK, ApiResponses.SuccessEnvelope(w =>
        {
            w.WriteStartObject();
            w.WritePropertyName("tasks");
            w.WriteStartArray();
            foreach (var task in page)
            {
                TaskJson.WriteTask(w, task, state.BaseAddress, state.Signer);
            }
            w.WriteEndArray();
            w.WriteNumber("page", query.Page);
            w.WriteNumber("size", query.Size);
            w.WriteNumber("total", owned.Count);
            w.WriteEndObject();
        }));
    }
}
