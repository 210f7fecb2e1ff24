namespace SecretRotation.Testing;

/// <summary>What a request path names: a discovery document, or a resource collection or object (with the deprecated <c>/watch/</c> prefix or not).</summary>
internal sealed record KubernetesRoute(string? Discovery, KubernetesResource? Resource, string? Namespace, string? Name, bool WatchPath)
{
    /// <summary>Parses <c>/api</c>, <c>/api/v1</c>, <c>/apis</c>, <c>/version</c>, <c>/healthz</c>..., <c>/api/v1/[watch/][namespaces/{ns}/]{resource}[/{name}]</c>.</summary>
    /// <returns>The route, or <see langword="null"/> for a path the emulator does not serve (404).</returns>
    public static KubernetesRoute? Parse(string path)
    {
        var trimmed = path.Trim('/');
        switch (trimmed)
        {
            case "api" or "api/v1" or "apis" or "version" or "healthz" or "livez" or "readyz":
                return new KubernetesRoute(trimmed, null, null, null, false);
        }

        if (!trimmed.StartsWith("api/v1/", StringComparison.Ordinal))
        {
            return null;
        }

        var segments = trimmed["api/v1/".Length..].Split('/');
        var watchPath = segments[0] == "watch";
        if (watchPath)
        {
            segments = segments[1..];
        }

        string? ns = null;
        if (segments.Length >= 3 && segments[0] == "namespaces")
        {
            ns = Uri.UnescapeDataString(segments[1]);
            segments = segments[2..];
        }

        if (segments.Length is < 1 or > 2 || KubernetesResource.Find(segments[0]) is not KubernetesResource resource)
        {
            return null;
        }

        if (ns is not null && ns.Length == 0)
        {
            return null;
        }

        // A name needs a namespace: /api/v1/secrets/{name} does not exist for namespaced resources.
        var name = segments.Length == 2 ? Uri.UnescapeDataString(segments[1]) : null;
        if (name is not null && (ns is null || name.Length == 0))
        {
            return null;
        }

        return new KubernetesRoute(null, resource, ns, name, watchPath);
    }
}
