namespace SecretRotation.Benchmarks.Harness;

/// <summary>Plugs a <see cref="NearExpirySource"/> into the reload engine.</summary>
internal sealed class NearExpiryConfigurationSource(NearExpirySource source) : SecretConfigurationSource
{
    protected override ISecretSource CreateSecretSource() => source;
}
