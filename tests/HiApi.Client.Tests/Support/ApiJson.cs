namespace HiApi.Client.Tests;

/// <summary>Response bodies in the exact shapes of the contract.</summary>
public static class ApiJson
{
    public static string Created(string taskId) =>
        $$"""{"code":200,"data":{"taskId":"{{taskId}}"},"message":"success"}""";

    public static string Task(string taskId, string status, string model = HiApiModels.TextToVideo) =>
        $$"""{"code":200,"data":{"taskId":"{{taskId}}","model":"{{model}}","status":"{{status}}","storage":"temp","output":[]},"message":"success"}""";

    public static string Success(string taskId, string url, long expireAt, string model = HiApiModels.TextToVideo) =>
        $$$"""{"code":200,"data":{"taskId":"{{{taskId}}}","model":"{{{model}}}","status":"success","storage":"temp","output":[{"type":"video","url":"{{{url}}}","expireAt":{{{expireAt}}}}]},"message":"success"}""";

    public static string Failed(string taskId, string code, string message) =>
        $$$"""{"code":200,"data":{"taskId":"{{{taskId}}}","model":"{{{HiApiModels.TextToVideo}}}","status":"fail","storage":"temp","output":[],"error":{"code":"{{{code}}}","message":"{{{message}}}"}},"message":"success"}""";

    public const string NotFound = """{"code":404,"data":null,"error_code":"NOT_FOUND","message":"task not found"}""";
    public const string RateLimited = """{"code":429,"data":null,"error_code":"RATE_LIMITED","message":"rate limit exceeded"}""";
    public const string Internal = """{"code":500,"data":null,"error_code":"INTERNAL_ERROR","message":"internal error"}""";
    public const string Unavailable = """{"code":503,"data":null,"error_code":"SERVICE_UNAVAILABLE","message":"service unavailable"}""";
    public const string PermissionDenied = """{"error":{"code":"permission_denied","message":"This API key cannot use the selected model...","type":"hiapi_error"}}""";
    public const string InsufficientBalance = """{"code":402,"data":null,"error_code":"INSUFFICIENT_BALANCE","message":"insufficient balance: need 1.50, have 0.20"}""";

    public static string BadRequest(string message) =>
        $$"""{"code":400,"data":null,"error_code":"INVALID_REQUEST","message":{{System.Text.Json.JsonSerializer.Serialize(message)}}}""";

    public const string BadGatewayHtml =
        "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>";
}
