namespace SecretRotation.HashiCorpVault.Tests.Hardening;

/// <summary>What a <see cref="LoopbackServer"/> received: the method, path, headers and body of one request.</summary>
internal sealed record RecordedRequest(string Method, string Path, IReadOnlyDictionary<string, string> Headers, string Body);
