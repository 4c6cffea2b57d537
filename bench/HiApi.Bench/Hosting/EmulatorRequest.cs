namespace HiApi.Bench.Hosting;

/// <summary>A request as <c>GET /_emulator/requests</c> lists it; <see cref="Kind"/> is create, get, download or other.</summary>
internal sealed record EmulatorRequest(DateTimeOffset At, string Method, string Path, int StatusCode, string Kind);
