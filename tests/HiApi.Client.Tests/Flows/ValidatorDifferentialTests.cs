using System.Net.Http.Headers;
using System.Text.Json;

namespace HiApi.Client.Tests;

/// <summary>
/// The client's validator against the emulator's: for each typed request, the body the client would send
/// is posted as is, and the emulator's 400 message must equal the validator's message exactly (or both
/// accept it).
/// </summary>
public sealed class ValidatorDifferentialTests
{
    private const string T2V = HiApiModels.TextToVideo;
    private const string I2V = HiApiModels.ImageToVideo;
    private const string Image = "https://example.com/still.jpg";

    public static TheoryData<string, VideoRequest> Requests() => new()
    {
        { "t2v minimal", new() { Prompt = "a calm ocean wave" } },
        { "t2v every knob", new() { Prompt = "neon Tokyo", AspectRatio = "21:9", Resolution = "1080p", Duration = 15 } },
        { "t2v shortest", new() { Prompt = "p", Duration = 3, AspectRatio = "9:16", Resolution = "720p" } },
        { "t2v with https callback", new() { Prompt = "p", CallbackUrl = "https://example.com/hooks/hiapi" } },
        { "t2v with loopback callback", new() { Prompt = "p", CallbackUrl = "http://127.0.0.1:9/hook" } },
        { "t2v seed fixture", new() { Prompt = "p", AspectRatio = "2:1", Resolution = "4k", Duration = 99 } },
        { "t2v missing prompt", new() { Model = T2V } },
        { "t2v empty prompt", new() { Prompt = "" } },
        { "t2v duration 0", new() { Prompt = "p", Duration = 0 } },
        { "t2v duration 2", new() { Prompt = "p", Duration = 2 } },
        { "t2v duration 16", new() { Prompt = "p", Duration = 16 } },
        { "t2v duration negative", new() { Prompt = "p", Duration = -1 } },
        { "t2v aspect ratio case", new() { Prompt = "p", AspectRatio = "16X9" } },
        { "t2v resolution case", new() { Prompt = "p", Resolution = "1080P" } },
        { "t2v empty enums", new() { Prompt = "p", AspectRatio = "", Resolution = "" } },
        { "t2v with an image", new() { Prompt = "p", ImageUrl = Image } },
        { "t2v everything wrong", new() { Prompt = "", AspectRatio = "x", Resolution = "y", Duration = 100, ImageUrl = Image, CallbackUrl = "nope" } },
        { "i2v minimal", new() { Model = I2V, ImageUrl = Image } },
        { "i2v every knob", new() { Model = I2V, ImageUrl = Image, Prompt = "she smiles", Resolution = "720p", Duration = 5 } },
        { "i2v empty prompt", new() { Model = I2V, ImageUrl = Image, Prompt = "" } },
        { "i2v missing image", new() { Model = I2V, Prompt = "p" } },
        { "i2v http image", new() { Model = I2V, ImageUrl = "http://example.com/a.jpg" } },
        { "i2v relative image", new() { Model = I2V, ImageUrl = "images/a.jpg" } },
        { "i2v empty image", new() { Model = I2V, ImageUrl = "" } },
        { "i2v aspect ratio", new() { Model = I2V, ImageUrl = Image, AspectRatio = "16:9" } },
        { "i2v everything wrong", new() { Model = I2V, ImageUrl = "ftp://x/a.jpg", Resolution = "480p", Duration = 1, AspectRatio = "1:1" } },
        { "unknown model", new() { Model = "happyhorse-1.1/reference-to-video", Prompt = "p" } },
        { "empty model", new() { Model = "", Prompt = "p" } },
        { "unknown model and bad callback", new() { Model = "sora", Prompt = "p", CallbackUrl = "mailto:a@b.c" } },
        { "callback not absolute", new() { Prompt = "p", CallbackUrl = "/hooks/hiapi" } },
        { "callback bad with bad input", new() { Prompt = "p", Duration = 40, CallbackUrl = "ftp://example.com/hook" } },
    };

    [Theory]
    [MemberData(nameof(Requests))]
    public async Task TheValidatorSaysExactlyWhatTheServerSays(string name, VideoRequest request)
    {
        await using var harness = await EmulatorHarness.StartAsync();
        using var http = new HttpClient { BaseAddress = harness.Server.BaseAddress };
        using var message = new HttpRequestMessage(HttpMethod.Post, "v1/tasks")
        {
            Content = new ByteArrayContent(TaskJson.SerializeCreateBody(request)),
        };
        message.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", EmulatorHarness.Key);

        using var response = await http.SendAsync(message);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var expected = RequestValidator.FormatMessage(RequestValidator.Validate(request));

        if (expected is null)
        {
            Assert.True((int)response.StatusCode == 200, $"{name}: the emulator refused what the validator accepts: {body.RootElement}");
            Assert.StartsWith("tk-", body.RootElement.GetProperty("data").GetProperty("taskId").GetString());
        }
        else
        {
            Assert.Equal(400, (int)response.StatusCode);
            Assert.Equal("INVALID_REQUEST", body.RootElement.GetProperty("error_code").GetString());
            Assert.Equal(expected, body.RootElement.GetProperty("message").GetString());
            Assert.Equal(
                RequestValidator.Validate(request).Select(e => e.ToString()),
                RequestValidator.ParseMessage(body.RootElement.GetProperty("message").GetString()).Select(e => e.ToString()));
        }
    }

    public static TheoryData<string, VideoRequest, string> DeliberateDifferences() => new()
    {
        // The finished task (with its download URL) would otherwise cross the network in clear.
        {
            "plain-http callback to the network",
            new() { Prompt = "p", CallbackUrl = "http://hooks.example.com/hiapi" },
            "invalid callback.url: must be https (http is allowed only for a loopback host)"
        },
        // The server counts characters; a prompt of white space is a blank cell, and it would be charged.
        { "whitespace-only prompt", new() { Prompt = " \t " }, "invalid input: prompt: must contain text, not only white space" },
        { "whitespace-only image prompt", new() { Model = I2V, ImageUrl = Image, Prompt = "  " }, "invalid input: prompt: must contain text, not only white space" },
    };

    [Theory]
    [MemberData(nameof(DeliberateDifferences))]
    public async Task WhatTheServerWouldCharge_TheClientRefusesOnPurpose(string name, VideoRequest request, string clientMessage)
    {
        await using var harness = await EmulatorHarness.StartAsync();
        using var http = new HttpClient { BaseAddress = harness.Server.BaseAddress };
        using var message = new HttpRequestMessage(HttpMethod.Post, "v1/tasks") { Content = new ByteArrayContent(TaskJson.SerializeCreateBody(request)) };
        message.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", EmulatorHarness.Key);

        using var response = await http.SendAsync(message);

        Assert.True((int)response.StatusCode == 200, $"{name}: the emulator (like the API) accepts it");
        Assert.Equal(clientMessage, RequestValidator.FormatMessage(RequestValidator.Validate(request)));
    }
}
