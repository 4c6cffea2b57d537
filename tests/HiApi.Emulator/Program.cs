using System.Runtime.InteropServices;
using HiApi.Emulator;
using HiApi.Emulator.Hosting;

// Standalone: dotnet run --project tests/HiApi.Emulator -- --urls http://127.0.0.1:5080 [--Emulator:X=Y ...]
// Prints exactly one line on stdout once listening, HIAPI_EMULATOR_URL=<base address>, which scripts parse.
// Exit codes: 0 stopped by SIGINT/SIGTERM, 1 could not listen, 2 refused (non-loopback URL or invalid options).

EmulatorOptions options;
string urls;
try
{
    (options, urls) = StandaloneConfiguration.Load(args);
    OptionsValidator.ThrowIfInvalid(options);
}
catch (Exception error) when (error is ArgumentException or InvalidOperationException or FormatException or IOException
                                  or System.IO.InvalidDataException)
{
    Console.Error.WriteLine($"hiapi-emulator: {error.Message}");
    return 2;
}

if (!LoopbackUrls.AreLoopback(urls, out var problem))
{
    Console.Error.WriteLine($"hiapi-emulator: {problem}");
    return 2;
}

EmulatorServer server;
try
{
    server = await EmulatorServer.StartAsync(options, urls);
}
catch (Exception error) when (error is IOException or InvalidOperationException)
{
    Console.Error.WriteLine($"hiapi-emulator: cannot listen on {urls}: {error.Message}");
    return 1;
}

Console.Out.WriteLine($"HIAPI_EMULATOR_URL={server.BaseAddress}");
Console.Out.Flush();
Console.Error.WriteLine("hiapi-emulator: listening; stop with Ctrl+C. Control endpoints under /_emulator/.");

var stop = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
void RequestStop(PosixSignalContext context)
{
    context.Cancel = true;
    stop.TrySetResult();
}
using (PosixSignalRegistration.Create(PosixSignal.SIGINT, RequestStop))
using (PosixSignalRegistration.Create(PosixSignal.SIGTERM, RequestStop))
{
    await stop.Task;
}

await server.StopAsync();
return 0;
