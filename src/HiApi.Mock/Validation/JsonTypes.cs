using System.Text.Json;

namespace HiApi.Mock.Validation;

/// <summary>How the API reads a request body and names the JSON types in its messages.</summary>
internal static class JsonTypes
{
    /// <summary>Strict reading of request bodies: no comments, no trailing commas.</summary>
    public static readonly JsonDocumentOptions StrictDocumentOptions = new()
    {
        AllowTrailingCommas = false,
        CommentHandling = JsonCommentHandling.Disallow,
        MaxDepth = 64,
    };

    /// <summary>The JSON Schema name of a value's type, as the API's type errors print it.</summary>
    public static string TypeName(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Null => "null",
        JsonValueKind.True or JsonValueKind.False => "boolean",
        JsonValueKind.Number => "number",
        JsonValueKind.String => "string",
        JsonValueKind.Array => "array",
        JsonValueKind.Object => "object",
        _ => "undefined",
    };
}
