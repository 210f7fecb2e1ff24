namespace SecretRotation.Cli.Tests;

/// <summary>One request the Kubernetes API stub received.</summary>
internal sealed record RecordedRequest(string Method, string Path, string Query, string? ContentType, string? Authorization, string Body);
