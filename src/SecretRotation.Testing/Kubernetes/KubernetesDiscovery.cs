using System.Text.Json.Nodes;

namespace SecretRotation.Testing;

/// <summary>The discovery documents clients such as kubectl read first: <c>/api</c>, <c>/api/v1</c>, <c>/apis</c> and <c>/version</c>.</summary>
internal static class KubernetesDiscovery
{
    public static JsonObject ApiVersions(string serverAddress) => new()
    {
        ["kind"] = "APIVersions",
        ["versions"] = new JsonArray("v1"),
        ["serverAddressByClientCIDRs"] = new JsonArray(new JsonObject { ["clientCIDR"] = "0.0.0.0/0", ["serverAddress"] = serverAddress }),
    };

    public static JsonObject CoreResources() => new()
    {
        ["kind"] = "APIResourceList",
        ["apiVersion"] = "v1",
        ["groupVersion"] = "v1",
        ["resources"] = new JsonArray(Resource(KubernetesResource.ConfigMaps, "configmap", "cm"), Resource(KubernetesResource.Secrets, "secret", null)),
    };

    public static JsonObject Groups() => new() { ["kind"] = "APIGroupList", ["apiVersion"] = "v1", ["groups"] = new JsonArray() };

    public static JsonObject Version() => new()
    {
        ["major"] = "1",
        ["minor"] = "32",
        ["gitVersion"] = "v1.32.0-secretrotation-emulator",
        ["gitCommit"] = "0000000000000000000000000000000000000000",
        ["gitTreeState"] = "clean",
        ["buildDate"] = "2026-01-01T00:00:00Z",
        ["goVersion"] = "go1.23.0",
        ["compiler"] = "gc",
        ["platform"] = "linux/amd64",
    };

    private static JsonObject Resource(KubernetesResource resource, string singular, string? shortName)
    {
        var entry = new JsonObject
        {
            ["name"] = resource.Name,
            ["singularName"] = singular,
            ["namespaced"] = true,
            ["kind"] = resource.Kind,
            ["verbs"] = new JsonArray("create", "delete", "get", "list", "patch", "update", "watch"),
        };
        if (shortName is not null)
        {
            entry["shortNames"] = new JsonArray(shortName);
        }

        return entry;
    }
}
