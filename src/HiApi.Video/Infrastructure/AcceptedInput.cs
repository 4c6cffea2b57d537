using HiApi.Client;

namespace HiApi.Video.Infrastructure;

/// <summary>
/// An input of New-HiApiVideoTask that passed every local check, with what it needs to be planned and sent: what errors
/// name (<see cref="Target"/>), the request, the user's key, the row that travels with it and its pipeline position.
/// -Resume holds these back, unsent, until it knows which batch they continue.
/// </summary>
internal sealed record AcceptedInput(object Target, VideoRequest Request, string? UserKey, TaskRow? Row, int? InputNumber);
