using SecretRotation.TestSupport;

namespace SecretRotation.Tests.Support;

/// <summary>Plugs a <see cref="ScriptedSecretSource"/> into the engine.</summary>
public sealed class ScriptedConfigurationSource(ScriptedSecretSource source) : SecretConfigurationSource
{
    protected override ISecretSource CreateSecretSource() => source;
}
