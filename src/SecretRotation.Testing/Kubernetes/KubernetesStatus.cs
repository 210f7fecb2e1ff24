using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace SecretRotation.Testing;

/// <summary>Builds <c>Status</c> objects (meta/v1) as the API server serializes them.</summary>
internal static class KubernetesStatus
{
    public static JsonObject Failure(int code, string reason, string message, string? name = null, string? kind = null)
    {
        var status = new JsonObject
        {
            ["kind"] = "Status",
            ["apiVersion"] = "v1",
            ["metadata"] = new JsonObject(),
            ["status"] = "Failure",
            ["message"] = message,
            ["reason"] = reason,
        };
        if (name is not null || kind is not null)
        {
            var details = new JsonObject();
            if (name is not null)
            {
                details["name"] = name;
            }

            if (kind is not null)
            {
                details["kind"] = kind;
            }

            status["details"] = details;
        }

        status["code"] = code;
        return status;
    }

    /// <summary>The <c>Status</c> a delete of a Secret or ConfigMap answers: <c>Success</c> with the object's name, kind and uid.</summary>
    public static JsonObject DeleteSuccess(string name, string kind, string uid) => new()
    {
        ["kind"] = "Status",
        ["apiVersion"] = "v1",
        ["metadata"] = new JsonObject(),
        ["status"] = "Success",
        ["details"] = new JsonObject { ["name"] = name, ["kind"] = kind, ["uid"] = uid },
    };

    /// <summary>The reason the API server gives with a status code, for injected faults.</summary>
    public static string ReasonFor(int code) => code switch
    {
        StatusCodes.Status400BadRequest => "BadRequest",
        StatusCodes.Status401Unauthorized => "Unauthorized",
        StatusCodes.Status403Forbidden => "Forbidden",
        StatusCodes.Status404NotFound => "NotFound",
        StatusCodes.Status405MethodNotAllowed => "MethodNotAllowed",
        StatusCodes.Status409Conflict => "Conflict",
        StatusCodes.Status410Gone => "Expired",
        StatusCodes.Status413RequestEntityTooLarge => "RequestEntityTooLarge",
        StatusCodes.Status415UnsupportedMediaType => "UnsupportedMediaType",
        StatusCodes.Status422UnprocessableEntity => "Invalid",
        StatusCodes.Status429TooManyRequests => "TooManyRequests",
        StatusCodes.Status500InternalServerError => "InternalError",
        StatusCodes.Status503ServiceUnavailable => "ServiceUnavailable",
        StatusCodes.Status504GatewayTimeout => "Timeout",
        _ => "Unknown",
    };

    /// <summary>The message the API server gives with a status code, for injected faults.</summary>
    public static string MessageFor(int code) => code switch
    {
        StatusCodes.Status401Unauthorized => "Unauthorized",
        StatusCodes.Status410Gone => "too old resource version",
        StatusCodes.Status429TooManyRequests => "Too many requests, please try again later.",
        StatusCodes.Status500InternalServerError => "Internal error occurred: injected fault",
        StatusCodes.Status503ServiceUnavailable => "the server is currently unable to handle the request",
        StatusCodes.Status504GatewayTimeout => "the server was unable to return a response in the time allotted, but may still be processing the request",
        _ => $"the server answered {code}",
    };
}
