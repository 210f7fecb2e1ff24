using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace SecretRotation.Testing;

/// <summary>
/// An API error raised deep in request handling; the handler answers it as a <c>Status</c> object (kind <c>Status</c>,
/// apiVersion <c>v1</c>, status <c>Failure</c>, message, reason, details, code), the shape of apimachinery's <c>StatusError</c>.
/// </summary>
internal sealed class KubernetesErrorException : Exception
{
    public KubernetesErrorException(int code, string reason, string message, string? name = null, string? kind = null)
        : base(message)
    {
        Code = code;
        Reason = reason;
        Name = name;
        Kind = kind;
    }

    public int Code { get; }

    public string Reason { get; }

    public string? Name { get; }

    public string? Kind { get; }

    public static KubernetesErrorException NotFound(KubernetesResource resource, string name) =>
        new(StatusCodes.Status404NotFound, "NotFound", $"{resource.Name} \"{name}\" not found", name, resource.Name);

    public static KubernetesErrorException AlreadyExists(KubernetesResource resource, string name) =>
        new(StatusCodes.Status409Conflict, "AlreadyExists", $"{resource.Name} \"{name}\" already exists", name, resource.Name);

    public static KubernetesErrorException Conflict(KubernetesResource resource, string name) =>
        new(
            StatusCodes.Status409Conflict,
            "Conflict",
            $"Operation cannot be fulfilled on {resource.Name} \"{name}\": the object has been modified; please apply your changes to the latest version and try again",
            name,
            resource.Name);

    public static KubernetesErrorException BadRequest(string message) => new(StatusCodes.Status400BadRequest, "BadRequest", message);

    /// <summary>422 as apimachinery's <c>NewInvalid</c> words it: <c>Secret "x" is invalid: field: detail</c>.</summary>
    public static KubernetesErrorException Invalid(KubernetesResource resource, string name, string detail) =>
        new(StatusCodes.Status422UnprocessableEntity, "Invalid", $"{resource.Kind} \"{name}\" is invalid: {detail}", name, resource.Kind);

    /// <summary>410 <c>Expired</c>, as the watch cache answers a resource version older than its history.</summary>
    public static KubernetesErrorException Expired(string message) => new(StatusCodes.Status410Gone, "Expired", message);

    public static KubernetesErrorException PageNotFound() =>
        new(StatusCodes.Status404NotFound, "NotFound", "the server could not find the requested resource");

    public static KubernetesErrorException MethodNotAllowed() =>
        new(StatusCodes.Status405MethodNotAllowed, "MethodNotAllowed", "the server does not allow this method on the requested resource");

    public JsonObject ToStatus() => KubernetesStatus.Failure(Code, Reason, Message, Name, Kind);
}
