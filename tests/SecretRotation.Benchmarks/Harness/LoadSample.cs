namespace SecretRotation.Benchmarks.Harness;

/// <summary>One timed <c>ConfigurationBuilder.Build()</c> of a Key Vault source: its wall time and the requests it sent.</summary>
internal sealed record LoadSample(double Milliseconds, RequestCounts Requests);
