using System.Text.Json;
using HiApi.Emulator.Hosting;
using HiApi.Emulator.Json;
using HiApi.Emulator.Recording;
using HiApi.Emulator.Tasks;
using Microsoft.AspNetCore.Http;

namespace HiApi.Emulator.Api;

/// <summary>
/// <c>/_emulator/...</c>: lets tests and scripts look inside the emulator and steer it while it runs.
/// Loopback callers only; never recorded as API requests; JSON in camelCase.
/// </summary>
internal sealed class ControlEndpoints(EmulatorState state)
{
    private static readonly JsonSerializerOptions StrictRead = new(EmulatorJson.ControlOptions)
    {
        UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow,
    };

    public Task GetRequestsAsync(HttpContext context) => WriteAsync(context, state.Requests.Snapshot());

    public Task ClearRequestsAsync(HttpContext context)
    {
        state.Requests.Clear();
        context.Response.StatusCode = StatusCodes.Status204NoContent;
        return Task.CompletedTask;
    }

    public Task GetCallbacksAsync(HttpContext context) => WriteAsync(context, state.CallbackLog.Snapshot());

    public Task GetTasksAsync(HttpContext context) => WriteAsync(context, state.Tasks.Snapshot());

    /// <summary>Plants a task verbatim (see <see cref="PlantTaskRequest"/>); answers with its <see cref="EmulatedTaskInfo"/>.</summary>
    public async Task PlantTaskAsync(HttpContext context)
    {
        var request = await ReadAsync<PlantTaskRequest>(context);
        if (request is null)
        {
            return;
        }
        var problems = new List<string>();
        if (request.TaskId is null)
        {
            problems.Add("taskId is required");
        }
        if (request.Status is null)
        {
            problems.Add("status is required");
        }
        var key = state.FindKey(request.ApiKey ?? PlantTaskRequest.DefaultApiKey);
        if (key is null)
        {
            problems.Add("apiKey is not a configured key");
        }
        if (problems.Count > 0)
        {
            await ProblemAsync(context, string.Join("; ", problems));
            return;
        }

        var task = PlantedTasks.Create(state, key!, request);
        if (!state.Tasks.Plant(task))
        {
            await WriteAsync(context, new { error = "a task the emulator created has this taskId; only planted tasks can be replaced" },
                StatusCodes.Status409Conflict);
            return;
        }
        await WriteAsync(context, task.ToInfo());
    }

    public Task GetFaultsAsync(HttpContext context) => WriteAsync(context, state.Options.Faults);

    public async Task PutFaultsAsync(HttpContext context)
    {
        var faults = await ReadAsync<FaultOptions>(context);
        if (faults is null)
        {
            return;
        }
        var problems = OptionsValidator.FaultProblems(faults);
        if (problems.Count > 0)
        {
            await ProblemAsync(context, string.Join("; ", problems));
            return;
        }
        state.Options.Faults = faults;
        await WriteAsync(context, faults);
    }

    public Task GetStatsAsync(HttpContext context)
    {
        var counters = state.Faults.Counters;
        return WriteAsync(context, new
        {
            requests = new
            {
                create = state.Requests.CountOf(RequestLog.Create),
                get = state.Requests.CountOf(RequestLog.Get),
                list = state.Requests.CountOf(RequestLog.List),
                download = state.Requests.CountOf(RequestLog.Download),
                pricing = state.Requests.CountOf(RequestLog.Pricing),
                other = state.Requests.CountOf(RequestLog.Other),
            },
            createsByUserAgent = state.Requests.CreatesByUserAgent(),
            faults = counters,
            tasks = state.Tasks.Count,
            callbackDeliveries = state.CallbackLog.Count,
        });
    }

    public Task GetConfigAsync(HttpContext context) => WriteAsync(context, ConfigView.From(state.Options));

    /// <summary>Partial update: only the fields present change; all are checked before any is applied.</summary>
    public async Task PutConfigAsync(HttpContext context)
    {
        var patch = await ReadAsync<ConfigView>(context);
        if (patch is null)
        {
            return;
        }

        var candidate = ConfigView.From(state.Options).ApplyTo(new EmulatorOptions());
        patch.ApplyTo(candidate);
        var problems = OptionsValidator.Problems(candidate);
        if (problems.Count > 0)
        {
            await ProblemAsync(context, string.Join("; ", problems));
            return;
        }

        patch.ApplyTo(state.Options);
        if (patch.BusyAfterCreateCount is not null)
        {
            // A new count starts after the next create; busy answers owed under the old one are forgotten.
            Interlocked.Exchange(ref state.BusyCreatesLeft, 0);
        }

        await WriteAsync(context, ConfigView.From(state.Options));
    }

    public async Task PutKeysAsync(HttpContext context)
    {
        var keys = await ReadAsync<List<EmulatorApiKey>>(context);
        if (keys is null)
        {
            return;
        }
        var problems = OptionsValidator.KeyProblems(keys);
        if (problems.Count > 0)
        {
            await ProblemAsync(context, string.Join("; ", problems));
            return;
        }
        state.ReplaceKeys(keys);
        await WriteAsync(context, new { keys = keys.Select(key => EmulatedTask.LabelFor(key.Key)).ToArray() });
    }

    public Task GetBalanceAsync(HttpContext context)
    {
        var secret = context.Request.RouteValues["key"] as string ?? "";
        var key = state.FindKey(secret);
        if (key is null)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return WriteAsync(context, new { error = "unknown key" }, StatusCodes.Status404NotFound);
        }

        var reserved = state.Ledger.ReservedBy(key);
        decimal? balance = key.Balance is null ? null : state.Ledger.BalanceOf(key);
        return WriteAsync(context, new
        {
            key = EmulatedTask.LabelFor(key.Key),
            balance,
            reserved,
            available = balance - reserved,
        });
    }

    private static async Task<T?> ReadAsync<T>(HttpContext context) where T : class
    {
        try
        {
            var value = await JsonSerializer.DeserializeAsync<T>(context.Request.Body, StrictRead, context.RequestAborted);
            if (value is null)
            {
                await ProblemAsync(context, "body must not be null");
            }
            return value;
        }
        catch (JsonException error)
        {
            await ProblemAsync(context, "invalid JSON: " + error.Message);
            return null;
        }
    }

    private static Task ProblemAsync(HttpContext context, string message) =>
        WriteAsync(context, new { error = message }, StatusCodes.Status400BadRequest);

    private static Task WriteAsync<T>(HttpContext context, T value, int statusCode = StatusCodes.Status200OK)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(value, EmulatorJson.ControlOptions);
        return ApiResponses.WriteJsonAsync(context, statusCode, body);
    }
}
